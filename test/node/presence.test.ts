/**
 * Typing and presence between two real daemons on 127.0.0.1, through the
 * CLI: Bob's `tail` shows "Alice is typing", his `members` shows her online,
 * then, once she stops sharing, when she was last seen; and her `typing`
 * then says nothing to anyone.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { MembersResponse } from '@causette/node'
import { aliceAndBob, DaemonProcess, eventually, ISOLATED, type LiveCommand, type TempDir, tempDir } from './fixtures/daemons.ts'

describe('typing and presence, between two daemons', () => {
  let dirs: TempDir
  let alice: DaemonProcess
  let bob: DaemonProcess
  let tail: LiveCommand
  let groupId = ''
  let aliceKey = ''

  before(async () => {
    dirs = await tempDir()
    ;({ alice, bob, groupId } = await aliceAndBob(dirs.path, 'Lunch'))
    // the first message makes the group key both hold: signals are sealed with it
    await alice.cliJson(['send', groupId, 'Lunch at noon?'])
    aliceKey = (await alice.cliJson<{ key: string }>(['status'])).key
    await eventually(
      async () => /Alice.*Lunch at noon\?/.test((await bob.cli(['history', groupId])).stdout),
      'the message, and Alice’s name, at Bob’s'
    )
    tail = bob.follow(['tail', groupId])
    await tail.waitForEvent((e) => 'message' in e, 'Bob’s tail to show the history')
  })

  after(async () => {
    await tail?.kill()
    await Promise.all([alice?.kill(), bob?.kill()])
    await dirs?.remove()
  })

  const aliceAtBob = async () => (await bob.cliJson<MembersResponse>(['members', groupId])).members.find((m) => m.key === aliceKey)

  it('shows Bob that Alice is online and typing', async () => {
    await eventually(async () => (await aliceAtBob())?.presence === 'online', 'Alice online in Bob’s members')
    const said = await alice.cli(['typing', groupId])
    assert.equal(said.code, 0, said.stderr)
    assert.match(said.stdout, /Said you are typing\./)
    const shown = await tail.waitForEvent((e) => 'typing' in e, 'Bob’s tail to show Alice typing', 10_000)
    assert.equal((shown['typing'] as { name?: string }).name, 'Alice', JSON.stringify(shown))
    const members = await bob.cli(['members', groupId])
    assert.match(members.stdout, /Alice.*online/)
  })

  it('after Alice stops sharing, Bob sees when she was last seen, and her typing says nothing', async () => {
    const off = await alice.cli(['presence', 'off'])
    assert.equal(off.code, 0, off.stderr)
    assert.match(off.stdout, /do not see when you are online/)
    await eventually(async () => (await aliceAtBob())?.presence === 'offline', 'Alice offline in Bob’s members')
    const seen = await aliceAtBob()
    assert.ok(seen?.lastSeen !== undefined && seen.lastSeen <= Date.now(), 'with when she was last seen')
    const before = tail.events().filter((e) => 'typing' in e).length
    const said = await alice.cli(['typing', groupId])
    assert.match(said.stderr, /does not share presence and typing/)
    await new Promise((resolve) => setTimeout(resolve, 1500))
    assert.equal(tail.events().filter((e) => 'typing' in e).length, before, 'no typing reached Bob')
    // the setting outlives a restart
    await alice.stop()
    alice = await DaemonProcess.start(alice.home, [...ISOLATED, '--name', 'Alice'])
    assert.match((await alice.cli(['presence'])).stdout, /do not see when you are online/)
  })
})
