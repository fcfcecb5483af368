import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { toHex } from '@causette/core'
import { logEntries } from '../fixtures/entry-bytes.ts'
import {
  connect,
  connectAll,
  disconnect,
  logOf,
  shareGroup,
  startPeer,
  startPeers,
  stopAll,
  type TestPeer,
  waitFor,
  waitForJoins,
  waitForMembers
} from '../fixtures/peers.ts'

const running: TestPeer[][] = []
after(async () => {
  for (const peers of running) await stopAll(peers)
})

async function fingerprintOf(p: TestPeer, groupId: string) {
  const log = logOf(p, groupId)
  return { order: (await logEntries(log)).map((e) => e.idHex), heads: log.heads().map(toHex), view: await log.view.snapshot() }
}

describe('partitions and catch-up', () => {
  it('heals a partition of two halves that each wrote 1,000 messages into one identical log', async () => {
    const peers = await startPeers(12)
    running.push(peers)
    const groupId = await shareGroup(peers)
    const left = peers.slice(0, 6)
    const right = peers.slice(6)
    await connectAll(left)
    await connectAll(right)
    // the right half gets the group's first entry across one link, then the link goes
    await connect(left[0] as TestPeer, right[0] as TestPeer)
    await waitForJoins(peers, groupId)
    const base = logOf(peers[0] as TestPeer, groupId).size
    await disconnect(left[0] as TestPeer, right[0] as TestPeer)
    assert.equal((left[0] as TestPeer).peer.libp2p.getConnections((right[0] as TestPeer).peer.libp2p.peerId).length, 0)
    let n = 0
    for (let round = 0; round < 1000 / 6 + 1 && n < 2000; round++) {
      for (const half of [left, right]) {
        for (const p of half) {
          if (n >= 2000) break
          await p.peer.send(groupId, { type: 'message', text: `message ${n++}` })
        }
      }
    }
    await waitFor(() => left.every((p) => logOf(p, groupId).size === logOf(left[0] as TestPeer, groupId).size), 'the left half to agree', 20_000)
    await waitFor(() => right.every((p) => logOf(p, groupId).size === logOf(right[0] as TestPeer, groupId).size), 'the right half to agree', 20_000)
    assert.equal(
      logOf(left[0] as TestPeer, groupId).size + logOf(right[0] as TestPeer, groupId).size,
      2 * base + 2000,
      'each half holds only its own 1,000'
    )
    // heal: one link across
    await connect(left[5] as TestPeer, right[0] as TestPeer)
    await waitFor(() => peers.every((p) => logOf(p, groupId).size === base + 2000), 'every peer to hold all 2,000 messages', 60_000)
    const expected = await fingerprintOf(peers[0] as TestPeer, groupId)
    for (const p of peers) assert.deepEqual(await fingerprintOf(p, groupId), expected)
    assert.equal(expected.view.messages.length, 2000)
  })

  it('catches up a peer that was stopped while 5,000 messages were written, reporting progress', async () => {
    const peers = await startPeers(3)
    running.push(peers)
    const [a, b, c] = peers as [TestPeer, TestPeer, TestPeer]
    const groupId = await shareGroup(peers)
    await connectAll(peers)
    await waitForMembers(peers, groupId, 2)
    await waitForJoins(peers, groupId)
    const base = logOf(c, groupId).size
    await c.peer.stop()
    for (let i = 0; i < 5000; i++) await (i % 2 === 0 ? a : b).peer.send(groupId, { type: 'message', text: `while c was away ${i}` })
    await waitFor(() => logOf(b, groupId).size === base + 5000, 'b to hold all 5,000')
    // c comes back from its own store and meets b only
    const back = await startPeer(c.key, c.store)
    running.push([back])
    assert.equal(logOf(back, groupId).size, base, 'c restarted from its store, without the new messages')
    const progress: Array<{ received: number; expected: number }> = []
    back.peer.addEventListener('sync:progress', (evt) => progress.push({ received: evt.detail.received, expected: evt.detail.expected }))
    await connect(back, b)
    await waitFor(() => logOf(back, groupId).size === base + 5000, 'c to catch up', 30_000)
    assert.ok(progress.length >= 2, `progress was reported ${progress.length} times`)
    const last = progress.at(-1) as { received: number; expected: number }
    assert.deepEqual(last, { received: 5000, expected: 5000 })
    assert.ok(
      progress.some((p) => p.received > 0 && p.received < p.expected),
      'some report came mid-way'
    )
    assert.deepEqual(await fingerprintOf(back, groupId), await fingerprintOf(b, groupId))
  })
})
