/**
 * A file reaches a member who is never online with its sender, through a
 * relay's mailbox: real `causette-relay` and daemon processes on loopback.
 * Bob is offline when Alice sends a file; the relay keeps its sealed
 * pieces; Alice goes; Bob, started again, saves the file from the relay
 * alone — the same bytes — and the relay's files hold none of it in the
 * clear.
 */
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { GroupSummary, HistoryResponse, InviteResponse, SendResponse } from '@causette/node'
import { DaemonProcess, eventually, ISOLATED, type TempDir, tempDir } from '../node/fixtures/daemons.ts'
import { mailboxesUpToDate, piecesKept } from './fixtures/mailbox-waits.ts'
import { localRelayFlags, type RelayRun, startRelay } from './fixtures/relay-process.ts'

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

describe("a file reaches a member who is never online with its sender, from a relay's mailbox", () => {
  let dirs: TempDir
  let relay: RelayRun
  const daemons: DaemonProcess[] = []

  before(async () => {
    dirs = await tempDir('causette-mailbox-files-')
    relay = await startRelay(localRelayFlags(join(dirs.path, 'relay')))
  })

  after(async () => {
    await Promise.all(daemons.map((d) => d.kill()))
    await relay?.stop()
    await dirs?.remove()
  })

  const start = async (name: string) => {
    const address = relay.addresses.find((a) => a.includes('/tcp/') && !a.includes('/ws')) as string
    const daemon = await DaemonProcess.start(join(dirs.path, name), [...ISOLATED, '--name', name, '--relay', address])
    daemons.push(daemon)
    return daemon
  }

  it('keeps the sealed pieces and gives them to the member who was away', async () => {
    const alice = await start('alice')
    let bob = await start('bob')
    const { group } = await alice.cliJson<{ group: GroupSummary }>(['create', 'Field trip'])
    const invite = await alice.cliJson<InviteResponse>(['invite', group.id])
    await bob.cliJson(['join', invite.link, '--timeout', '60s'])
    await bob.stop()
    const kept = await alice.cli(['send', group.id, 'photos coming', '--kept'])
    assert.match(kept.stdout, /Kept by 1 of 1 relay/, kept.stdout + kept.stderr)

    const bytes = randomBytes(3_000_000)
    await writeFile(join(dirs.path, 'trip.bin'), bytes)
    const sent = await alice.cliJson<SendResponse>(['send', group.id, '--file', join(dirs.path, 'trip.bin')])
    // 12 pieces and the manifest
    await eventually(async () => (await piecesKept(relay)) >= 13, "the file's pieces kept by the relay", 30_000)
    await eventually(() => mailboxesUpToDate(alice, group.id), 'the relay to hold the message too', 30_000)
    await alice.stop()

    bob = await start('bob')
    await eventually(
      async () => (await bob.cliJson<HistoryResponse>(['history', group.id])).messages.some((m) => m.id === sent.message.id),
      "the file's message at Bob's, from the mailbox",
      60_000
    )
    const target = join(dirs.path, 'bob-trip.bin')
    const saved = await bob.cli(['save', group.id, sent.message.id.slice(0, 12), '-o', target])
    assert.equal(saved.code, 0, saved.stderr)
    assert.equal(sha(await readFile(target)), sha(bytes), 'the same bytes, from the relay alone')

    const relayFiles = (await readdir(join(dirs.path, 'relay'))).filter((n) => n.startsWith('mailbox.sqlite'))
    for (const name of relayFiles) {
      assert.ok(!(await readFile(join(dirs.path, 'relay', name))).includes(bytes.subarray(1000, 1064)), `${name} holds none of the file in the clear`)
    }
  })
})
