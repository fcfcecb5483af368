/**
 * Read receipts turned off, between two real daemons: Alice's reading
 * position stays on her device (her unread count follows it, across a
 * restart too) and no read marker reaches Bob, whose "seen by" then leaves
 * her out; and, as in Signal and WhatsApp, she sees no one's "seen by"
 * while hers are off. Turned on again, her reading is seen again.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { GroupsResponse, HistoryResponse, ReadResponse } from '@causette/node'
import { aliceAndBob, DaemonProcess, eventually, ISOLATED, type TempDir, tempDir } from './fixtures/daemons.ts'

describe('read receipts off', () => {
  let dirs: TempDir
  let alice: DaemonProcess
  let bob: DaemonProcess
  let groupId = ''
  let aliceKey = ''

  before(async () => {
    dirs = await tempDir()
    ;({ alice, bob, groupId } = await aliceAndBob(dirs.path, 'Climbing'))
    aliceKey = (await alice.cliJson<{ key: string }>(['status'])).key
  })

  after(async () => {
    await Promise.all([alice?.kill(), bob?.kill()])
    await dirs?.remove()
  })

  const summary = async (d: DaemonProcess) => (await d.cliJson<GroupsResponse>(['groups'])).groups.find((g) => g.id === groupId)
  /** Both daemons hold the same entries: whatever one wrote has reached the other. */
  const inStep = () =>
    eventually(async () => {
      const [a, b] = await Promise.all([summary(alice), summary(bob)])
      return a?.state === 'open' && a.entries === b?.entries
    }, 'Alice and Bob to hold the same entries')

  it('keeps Alice’s reading on her device: unread counts follow it, and Bob’s "seen by" leaves her out', async () => {
    const off = await alice.cli(['receipts', 'off'])
    assert.equal(off.code, 0, off.stderr)
    assert.match(off.stdout, /Read receipts are off/)
    await alice.cliJson(['send', groupId, 'I can drive on Sunday'])
    await inStep()
    await bob.cliJson(['send', groupId, 'Great, see you at 9'])
    await eventually(async () => (await summary(alice))?.unread === 1, 'Bob’s message unread at Alice’s')
    const read = await alice.cliJson<ReadResponse>(['read', groupId])
    assert.equal(read.receipt, false)
    assert.ok(read.upTo !== undefined, 'marked read up to Bob’s message')
    assert.equal((await summary(alice))?.unread, 0)
    await inStep()
    const atBob = await bob.cliJson<HistoryResponse>(['history', groupId])
    assert.deepEqual(atBob.seen?.by, [], 'Bob’s message is seen by no one')
    assert.doesNotMatch((await bob.cli(['history', groupId])).stdout, /seen by/)
  })

  it('shows Alice no one’s "seen by" while hers are off', async () => {
    await bob.cliJson(['read', groupId])
    await inStep()
    const atAlice = await alice.cliJson<HistoryResponse>(['history', groupId])
    assert.equal(atAlice.seen, undefined)
    assert.doesNotMatch((await alice.cli(['history', groupId])).stdout, /seen by/)
  })

  it('keeps her reading position across a restart', async () => {
    await alice.stop()
    alice = await DaemonProcess.start(alice.home, [...ISOLATED, '--name', 'Alice'])
    await eventually(async () => (await summary(alice))?.state === 'open', 'the group open again at Alice’s')
    assert.equal((await summary(alice))?.unread, 0)
  })

  it('turned on again, her reading reaches Bob as a read marker', async () => {
    const on = await alice.cli(['receipts', 'on'])
    assert.match(on.stdout, /Read receipts are on/)
    await bob.cliJson(['send', groupId, 'Bring the blue rope'])
    await eventually(async () => (await summary(alice))?.unread === 1, 'Bob’s new message unread at Alice’s')
    const read = await alice.cliJson<ReadResponse>(['read', groupId])
    assert.equal(read.receipt, true)
    await eventually(
      async () => (await bob.cliJson<HistoryResponse>(['history', groupId])).seen?.by.includes(aliceKey) === true,
      'Bob’s message seen by Alice at Bob’s'
    )
    assert.match((await bob.cli(['history', groupId])).stdout, /seen by Alice/)
  })
})
