/**
 * The blind mailbox with real processes: a `causette-relay` (two, for the
 * second test) and two daemons on loopback that use them (`--relay`).
 * Alice writes while Bob is offline and then goes offline herself; Bob,
 * started again, receives everything from the relays alone — also after
 * one relay restarted (its mailbox intact) and the other was killed. The
 * relays' files hold none of the texts nor the group's name.
 */
import assert from 'node:assert/strict'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { GroupStatusView, GroupSummary, HistoryResponse, InviteResponse, StatusResponse } from '@causette/node'
import { DaemonProcess, eventually, ISOLATED, type TempDir, tempDir } from '../node/fixtures/daemons.ts'
import { localRelayFlags, type RelayRun, startRelay } from './fixtures/relay-process.ts'

const GROUP_NAME = 'Night shift notes'
const BACKLOG = 250
const WRITTEN_OFFLINE = ['Left the keys under the mat', 'Bread is in the freezer', 'Back on Tuesday, zebra-quartz-7']

describe('a message reaches a member who is never online with its author', () => {
  let dirs: TempDir
  const relays: RelayRun[] = []
  const daemons: DaemonProcess[] = []

  before(async () => {
    dirs = await tempDir('causette-mailbox-')
  })

  after(async () => {
    await Promise.all(daemons.map((d) => d.kill()))
    await Promise.all(relays.map((r) => r.stop()))
    await dirs?.remove()
  })

  const tcpAddress = (relay: RelayRun) => relay.addresses.find((a) => a.includes('/tcp/') && !a.includes('/ws')) as string
  const startDaemon = async (name: string, relayAddresses: string[]) => {
    const daemon = await DaemonProcess.start(join(dirs.path, name), [...ISOLATED, '--name', name, ...relayAddresses.flatMap((a) => ['--relay', a])])
    daemons.push(daemon)
    return daemon
  }
  const groupStatus = async (daemon: DaemonProcess, groupId: string) =>
    (await daemon.cliJson<StatusResponse>(['status'])).groups.find((g) => g.id === groupId) as GroupStatusView
  const texts = async (daemon: DaemonProcess, groupId: string) =>
    (await daemon.cliJson<HistoryResponse>(['history', groupId, '--limit', '1000'])).messages.map((m) => m.text)

  it('from the relays alone, after one restarted and the other was killed', async () => {
    relays.push(await startRelay(localRelayFlags(join(dirs.path, 'relay-1'))), await startRelay(localRelayFlags(join(dirs.path, 'relay-2'))))
    const relayAddresses = relays.map(tcpAddress)
    const alice = await startDaemon('alice', relayAddresses)
    let bob = await startDaemon('bob', relayAddresses)

    const { group } = await alice.cliJson<{ group: GroupSummary }>(['create', GROUP_NAME])
    const invite = await alice.cliJson<InviteResponse>(['invite', group.id])
    await bob.cliJson(['join', invite.link, '--timeout', '60s'])
    await alice.cliJson(['send', group.id, 'Hello Bob'])
    await eventually(async () => (await texts(bob, group.id)).includes('Hello Bob'), "Alice's first message at Bob's")

    // Bob goes offline; Alice writes, and waits until both relays hold all she has
    await bob.stop()
    for (const text of WRITTEN_OFFLINE.slice(0, -1)) await alice.cliJson(['send', group.id, text])
    // a backlog long enough for Bob's daemon to show the catch-up's progress (from 200 entries)
    const backlog = Array.from({ length: BACKLOG }, (_, i) => `backlog ${i}`)
    const piped = alice.follow(['send', group.id, '-'], { input: `${backlog.join('\n')}\n` })
    await piped.exited
    const last = await alice.cli(['send', group.id, WRITTEN_OFFLINE.at(-1) as string, '--kept'])
    assert.match(last.stdout, /Kept by 2 of 2 relays\./, `send --kept says where it is kept:\n${last.stdout}${last.stderr}`)
    let seen: unknown
    await eventually(
      async () => {
        const mailboxes = (await groupStatus(alice, group.id)).mailboxes
        seen = mailboxes
        return mailboxes.length === 2 && mailboxes.every((m) => m.state === 'kept' && m.upToDate)
      },
      'both relays to keep everything Alice wrote',
      60_000
    ).catch((err: Error) => {
      throw new Error(`${err.message}; her status of them: ${JSON.stringify(seen)}`)
    })
    const shown = await alice.cli(['status'])
    assert.match(shown.stdout, /kept by 2 of 2 relays, up to date/, `status says so in words:\n${shown.stdout}${shown.stderr}`)
    await alice.stop()

    // one relay restarts (its mailbox must be intact), the other dies: Bob comes back with no member online
    assert.equal(await relays[0]?.stop(), 0)
    relays[0] = await startRelay(localRelayFlags(join(dirs.path, 'relay-1')))
    relays[1]?.process.kill('SIGKILL')
    await relays[1]?.stop()
    bob = await startDaemon('bob', [tcpAddress(relays[0]), ...relayAddresses.slice(1)])
    await eventually(
      async () => {
        const got = await texts(bob, group.id)
        return WRITTEN_OFFLINE.every((t) => got.includes(t))
      },
      'everything Alice wrote while Bob was offline, from the restarted relay',
      60_000
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}; his status of the relays: ${JSON.stringify((await groupStatus(bob, group.id)).mailboxes)}`)
    })
    const progress = await bob.waitForEvent(
      (e) => e.type === 'mailbox:progress' && (e.expected as number) >= BACKLOG,
      "the catch-up's progress from the relay"
    )
    assert.equal(progress.groupId, group.id)
    await bob.waitForEvent((e) => e.type === 'mailbox:synced' && e.upToDate === true, 'the catch-up from the relay to end')
    assert.ok((await texts(bob, group.id)).includes(`backlog ${BACKLOG - 1}`), 'the backlog too')
    const status = await groupStatus(bob, group.id)
    assert.equal(status.online, 0, 'no other member was online')
    const kept = status.mailboxes.filter((m) => m.state === 'kept')
    assert.equal(kept.length, 1, 'one relay kept it; the killed one is not reachable')

    // nothing readable in either relay's files
    for (const dir of ['relay-1', 'relay-2']) {
      for (const file of await readdir(join(dirs.path, dir))) {
        const bytes = await readFile(join(dirs.path, dir, file))
        for (const text of [...WRITTEN_OFFLINE, 'Hello Bob', GROUP_NAME]) {
          assert.equal(bytes.includes(Buffer.from(text)), false, `${dir}/${file} holds "${text}" in plaintext`)
        }
      }
    }
  })
})
