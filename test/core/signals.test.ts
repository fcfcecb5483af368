/**
 * Typing and presence on each group's signal channel, with real libp2p
 * peers: what one member says reaches the others and lapses when it stops;
 * a removed member neither hears nor is heard; a device that stops sharing
 * goes offline for the others and says nothing more.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import type { CausettePeer, PresenceEvent, TypingEvent } from '@causette/core'
import { toHex } from '@causette/core'
import { connectAll, shareGroup, startPeers, stopAll, type TestPeer, waitFor, waitForJoins, waitForMembers } from '../fixtures/peers.ts'

const running: TestPeer[][] = []
after(async () => {
  for (const peers of running) await stopAll(peers).catch(() => undefined)
})

function keyOf(p: TestPeer): string {
  return toHex(p.key.publicKey)
}

/** Every typing and presence event a peer reports, in order. */
function record(peer: CausettePeer): { typing: TypingEvent[]; presence: PresenceEvent[] } {
  const seen = { typing: [] as TypingEvent[], presence: [] as PresenceEvent[] }
  peer.addEventListener('signal:typing', (evt) => seen.typing.push(evt.detail))
  peer.addEventListener('signal:presence', (evt) => seen.presence.push(evt.detail))
  return seen
}

async function groupOf(n: number): Promise<{ peers: TestPeer[]; groupId: string }> {
  const peers = await startPeers(n)
  running.push(peers)
  const groupId = await shareGroup(peers)
  await connectAll(peers)
  await waitForJoins(peers, groupId)
  await waitForMembers(peers, groupId, n - 1)
  return { peers, groupId }
}

describe('signals: typing and presence', () => {
  it('shows a member typing to the others, and stops showing it when they stop', async () => {
    const { peers, groupId } = await groupOf(2)
    const [alice, bob] = peers as [TestPeer, TestPeer]
    await waitFor(() => bob.peer.signals.presence(groupId, keyOf(alice)).state === 'online', 'Bob to see Alice online')
    const started = performance.now()
    alice.peer.signals.setTyping(groupId, true)
    await waitFor(() => bob.peer.signals.typing(groupId).includes(keyOf(alice)), 'Bob to see Alice typing')
    const latency = performance.now() - started
    console.log(`typing seen after ${latency.toFixed(0)} ms`)
    alice.peer.signals.setTyping(groupId, false)
    await waitFor(() => !bob.peer.signals.typing(groupId).includes(keyOf(alice)), 'Alice to stop typing for Bob')
    assert.deepEqual(alice.peer.signals.typing(groupId), [], 'a device never sees itself typing')
  })

  it('says away and offline, and a device that stops sharing says nothing more', async () => {
    const { peers, groupId } = await groupOf(2)
    const [alice, bob] = peers as [TestPeer, TestPeer]
    const seen = record(bob.peer)
    await waitFor(() => bob.peer.signals.presence(groupId, keyOf(alice)).state === 'online', 'Bob to see Alice online')
    alice.peer.signals.setAway(true)
    await waitFor(() => bob.peer.signals.presence(groupId, keyOf(alice)).state === 'away', 'Bob to see Alice away')
    alice.peer.signals.setSharing(false)
    await waitFor(() => bob.peer.signals.presence(groupId, keyOf(alice)).state === 'offline', 'Bob to see Alice offline')
    assert.ok(bob.peer.signals.presence(groupId, keyOf(alice)).lastSeen !== undefined, 'with when she was last seen')
    const before = seen.typing.length
    alice.peer.signals.setTyping(groupId, true)
    await new Promise((resolve) => setTimeout(resolve, 1000))
    assert.equal(seen.typing.length, before, 'no typing from a device that stopped sharing')
    assert.ok(seen.presence.some((e) => e.member === keyOf(alice) && e.presence.state === 'away'))
  })

  it('a removed member hears nothing more, and what it says counts for nothing', async () => {
    const { peers, groupId } = await groupOf(3)
    const [alice, bob, carol] = peers as [TestPeer, TestPeer, TestPeer]
    await waitFor(() => carol.peer.signals.presence(groupId, keyOf(alice)).state === 'online', 'Carol to see Alice online')
    await alice.peer.removeMember(groupId, keyOf(carol))
    await waitFor(
      () =>
        !bob.peer
          .group(groupId)
          .members()
          .some((m) => m.key === keyOf(carol)),
      'Bob to learn Carol was removed'
    )
    // Alice writes under the new key Carol never gets (the removal's rekey): her typing is sealed with it
    await alice.peer.send(groupId, { type: 'message', text: 'after the removal' })
    const carolSeen = record(carol.peer)
    const bobSeen = record(bob.peer)
    alice.peer.signals.setTyping(groupId, true)
    await waitFor(() => bob.peer.signals.typing(groupId).includes(keyOf(alice)), 'Bob to see Alice typing')
    carol.peer.signals.setTyping(groupId, true)
    await new Promise((resolve) => setTimeout(resolve, 1500))
    assert.deepEqual(
      carolSeen.typing.filter((e) => e.typing),
      [],
      'the removed member does not see a member typing'
    )
    assert.ok(!bobSeen.typing.some((e) => e.member === keyOf(carol)), 'the removed member typing shows for no one')
    assert.ok(!bob.peer.signals.typing(groupId).includes(keyOf(carol)))
  })
})
