import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { toHex } from '@causette/core'
import {
  connect,
  connectLine,
  logOf,
  shareGroup,
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

async function texts(p: TestPeer, groupId: string): Promise<string[]> {
  return (await logOf(p, groupId).view.messages()).messages.map((m) => m.text)
}

describe('peers talk', () => {
  it('delivers a message written on one peer to the other through gossip', async () => {
    const peers = await startPeers(2)
    running.push(peers)
    const [a, b] = peers as [TestPeer, TestPeer]
    const groupId = await shareGroup(peers)
    await connect(a, b)
    await waitForMembers(peers, groupId, 1)
    await waitForJoins(peers, groupId)
    const gossiped: string[] = []
    b.peer.addEventListener('entries', (evt) => {
      if (evt.detail.source === 'gossip') gossiped.push(...evt.detail.entries.map((e) => e.idHex))
    })
    const sent = await a.peer.send(groupId, { type: 'message', text: 'hello over gossip' })
    await waitFor(async () => (await texts(b, groupId)).includes('hello over gossip'), 'b to show the message')
    assert.deepEqual(gossiped, [sent.idHex], 'it arrived by gossip, not by sync')
  })

  it('carries every message along a line of ten peers', async () => {
    const peers = await startPeers(10)
    running.push(peers)
    const groupId = await shareGroup(peers)
    await connectLine(peers)
    await waitFor(
      () => peers.every((p) => p.peer.status(groupId).connectedMembers.length >= (p === peers[0] || p === peers[9] ? 1 : 2)),
      'line neighbours'
    )
    await waitForJoins(peers, groupId)
    // a second of heartbeats lets every peer graft its neighbours into its mesh
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const sent: string[] = []
    for (const [i, p] of peers.entries()) sent.push((await p.peer.send(groupId, { type: 'message', text: `from peer ${i}` })).idHex)
    await waitFor(() => peers.every((p) => sent.every((id) => logOf(p, groupId).get(id) !== undefined)), 'every message on every peer', 15_000)
    for (const p of peers) assert.equal((await texts(p, groupId)).length, 10)
  })

  it('takes a closed group offline, and forgets it when asked', async () => {
    const peers = await startPeers(2)
    running.push(peers)
    const [a, b] = peers as [TestPeer, TestPeer]
    const groupId = await shareGroup(peers)
    await connect(a, b)
    await waitForMembers(peers, groupId, 1)
    await b.peer.closeGroup(groupId)
    assert.equal(b.peer.hasGroup(groupId), false)
    await waitFor(() => a.peer.status(groupId).connectedMembers.length === 0, 'a to see b leave the topic')
    assert.notEqual(await b.store.getGroup(logOf(a, groupId).id), undefined, 'closing keeps the group on disk')
    await b.peer.closeGroup(groupId, { forget: true })
    assert.equal(await b.store.getGroup(logOf(a, groupId).id), undefined, 'forgetting removes it')
    assert.equal(await b.store.countEntries(logOf(a, groupId).id), 0)
  })

  it('reports what it knows of a group: members, entries, last sync', async () => {
    const peers = await startPeers(2)
    running.push(peers)
    const [a, b] = peers as [TestPeer, TestPeer]
    const groupId = await shareGroup(peers)
    await connect(a, b)
    await waitFor(() => a.peer.status(groupId).upToDateWith === 1 && b.peer.status(groupId).upToDateWith === 1, 'a completed sync')
    const status = b.peer.status(groupId)
    assert.deepEqual(status.connectedMembers, [a.peer.peerId])
    assert.equal(status.entries, logOf(a, groupId).size)
    assert.ok(status.lastSync !== undefined)
    assert.equal(toHex(logOf(b, groupId).id), groupId)
  })
})
