/**
 * A file sent while the group's relay is down still reaches the member who
 * is never online with its sender: the sender's daemon remembers that the
 * relay has not confirmed it (across a restart of its own) and hands it
 * over by itself once the relay is back. A relay whose room for the
 * group's files is full refuses with a sentence the sender's daemon
 * reports, and is not asked again at every sync. Real `causette-relay` and
 * daemon processes on loopback.
 */
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { GroupSummary, HistoryResponse, InviteResponse, SendResponse } from '@causette/node'
import { DaemonProcess, eventually, ISOLATED, type TempDir, tempDir } from '../node/fixtures/daemons.ts'
import { freePorts } from './fixtures/free-port.ts'
import { mailboxesUpToDate } from './fixtures/mailbox-waits.ts'
import { localRelayFlags, type RelayRun, startRelay } from './fixtures/relay-process.ts'

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

async function metric(relay: RelayRun, name: string): Promise<number> {
  const text = await (await fetch(`${relay.health}/metrics`)).text()
  return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 0)
}

interface Handover {
  type: 'file:handover'
  message: string
  outcome: string
  reason?: string
  tries: number
  nextAt?: number
}

const handovers = (d: DaemonProcess, message: string): Handover[] =>
  d.events().filter((e) => e.type === 'file:handover' && e.message === message) as unknown as Handover[]

describe('files handed to a relay that was down, or full, when they were sent', () => {
  let dirs: TempDir
  const relays: RelayRun[] = []
  const daemons: DaemonProcess[] = []

  before(async () => {
    dirs = await tempDir('causette-mailbox-files-retry-')
  })

  after(async () => {
    await Promise.all(daemons.map((d) => d.kill()))
    await Promise.all(relays.map((r) => r.stop()))
    await dirs?.remove()
  })

  const startDaemon = async (name: string, relayAddress: string) => {
    const daemon = await DaemonProcess.start(join(dirs.path, name), [...ISOLATED, '--name', name, '--relay', relayAddress])
    daemons.push(daemon)
    return daemon
  }
  const runRelay = async (dir: string, ...flags: string[]) => {
    const relay = await startRelay(localRelayFlags(join(dirs.path, dir), ...flags))
    relays.push(relay)
    return relay
  }
  const tcpAddress = (relay: RelayRun) => relay.addresses.find((a) => a.includes('/tcp/') && !a.includes('/ws')) as string

  it('hands a file sent while the relay was down to it once it is back, by itself and across a restart, for a member never online with the sender', async () => {
    const [port, wsPort] = (await freePorts(2)) as [number, number]
    const fixed = ['--port', String(port), '--ws-port', String(wsPort)]
    let relay = await runRelay('relay', ...fixed)
    const address = tcpAddress(relay)
    let alice = await startDaemon('alice', address)
    const bob = await startDaemon('bob', address)
    const { group } = await alice.cliJson<{ group: GroupSummary }>(['create', 'Field trip'])
    const invite = await alice.cliJson<InviteResponse>(['invite', group.id])
    await bob.cliJson(['join', invite.link, '--timeout', '60s'])
    // the relay keeps the group and knows both members
    const kept = await alice.cli(['send', group.id, 'photos coming', '--kept'])
    assert.match(kept.stdout, /Kept by 1 of 1 relay/, kept.stdout + kept.stderr)
    await bob.stop()

    assert.equal(await relay.stop(), 0)
    const bytes = randomBytes(3_000_000)
    await writeFile(join(dirs.path, 'trip.bin'), bytes)
    const sent = await alice.cliJson<SendResponse>(['send', group.id, '--file', join(dirs.path, 'trip.bin')])
    await eventually(() => handovers(alice, sent.message.id).some((h) => h.outcome === 'waiting'), 'the hand-over to fail while the relay is down')

    // remembered on disk: Alice's daemon restarted while the relay is still down knows what is owed
    await alice.stop()
    const ledger = JSON.parse(await readFile(join(dirs.path, 'alice', 'blobs', 'relay-handovers.json'), 'utf8')) as Array<{
      message: string
      relay: string
    }>
    assert.deepEqual(
      ledger.map((p) => [p.message, p.relay]),
      [[sent.message.id, relay.peerId]]
    )
    alice = await startDaemon('alice', address)

    relay = await runRelay('relay', ...fixed)
    assert.equal(tcpAddress(relay), address, 'the relay is back at the same address, with the same identity')
    // 12 pieces and the manifest, and nobody asked Alice's daemon to do anything
    await eventually(
      async () => (await metric(relay, 'causette_relay_mailbox_file_pieces_kept_total')) >= 13,
      "the file's pieces kept by the relay",
      90_000
    )
    await eventually(() => handovers(alice, sent.message.id).some((h) => h.outcome === 'kept'), 'Alice to hear the relay keeps the file', 30_000)
    await eventually(
      async () => JSON.parse(await readFile(join(dirs.path, 'alice', 'blobs', 'relay-handovers.json'), 'utf8')).length === 0,
      'nothing owed to the relay any more'
    )
    await eventually(() => mailboxesUpToDate(alice, group.id), 'the relay to hold the message too', 30_000)
    await alice.stop()

    const bobAgain = await startDaemon('bob', address)
    await eventually(
      async () => (await bobAgain.cliJson<HistoryResponse>(['history', group.id])).messages.some((m) => m.id === sent.message.id),
      "the file's message at Bob's, from the mailbox",
      60_000
    )
    const target = join(dirs.path, 'bob-trip.bin')
    const saved = await bobAgain.cli(['save', group.id, sent.message.id.slice(0, 12), '-o', target])
    assert.equal(saved.code, 0, saved.stderr)
    assert.equal(sha(await readFile(target)), sha(bytes), 'the same bytes, from the relay alone')
    await bobAgain.stop()
  })

  it("names a relay's refusal for room, and does not ask it again at each sync", async () => {
    // 1 MiB of files per group: four pieces, not a 3 MB file
    const relay = await runRelay('small-relay', '--mailbox-group-file-mb', '1')
    const carol = await startDaemon('carol', tcpAddress(relay))
    const { group } = await carol.cliJson<{ group: GroupSummary }>(['create', 'Big files'])
    const kept = await carol.cli(['send', group.id, 'hello', '--kept'])
    assert.match(kept.stdout, /Kept by 1 of 1 relay/, kept.stdout + kept.stderr)
    await writeFile(join(dirs.path, 'big.bin'), randomBytes(3_000_000))
    const sent = await carol.cliJson<SendResponse>(['send', group.id, '--file', join(dirs.path, 'big.bin')])
    await eventually(() => handovers(carol, sent.message.id).length > 0, 'the hand-over to end')
    const [refused] = handovers(carol, sent.message.id)
    assert.equal(refused?.outcome, 'refused')
    assert.match(refused?.reason ?? '', /keeps at most 1 MB of a group's files, and this group's room is full/)
    assert.ok((refused?.nextAt ?? 0) - Date.now() > 50 * 60_000, 'asked again in about an hour, not sooner')

    // a message sent with --kept is answered once a mailbox sync with the relay took it, and each such sync hands
    // the relay what is owed to it and due: the refused file is not, for an hour
    for (let i = 0; i < 3; i++) {
      const again = await carol.cli(['send', group.id, `message ${i}`, '--kept'])
      assert.match(again.stdout, /Kept by 1 of 1 relay/, again.stdout + again.stderr)
    }
    // a hand-over after those syncs would have ended within this (the first took well under a second)
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    assert.equal(handovers(carol, sent.message.id).length, 1, 'the relay was not asked again')
    const ledger = JSON.parse(await readFile(join(dirs.path, 'carol', 'blobs', 'relay-handovers.json'), 'utf8')) as Array<{
      message: string
      refusals: number
      reason: string
    }>
    assert.equal(ledger.length, 1)
    assert.equal(ledger[0]?.refusals, 1)
    assert.match(ledger[0]?.reason ?? '', /room is full/)
  })
})
