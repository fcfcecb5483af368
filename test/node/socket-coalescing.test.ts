/**
 * TCP writes coalesced per turn (node/src/socket-coalescing.ts), as the
 * daemon and the tests' TCP peers do: it applies to the connections this
 * libp2p makes (if an upgrade changed their shape, this says so instead of
 * the speed quietly going), a burst of gossip written in one turn all
 * arrives, in order, and so does a catch-up of thousands of messages.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { coalesceWrites } from '@causette/node'
import { connect, disconnect, logOf, shareGroup, startPeers, stopAll, type TestPeer, waitFor, waitForMembers } from '../fixtures/peers.ts'

/** Within one author's burst allowance (gossip-guard.ts): more than that from one device at once is a flood. */
const BURST = 150
const CATCH_UP = 3000

describe('socket writes coalesced per turn', () => {
  const running: TestPeer[][] = []
  after(async () => {
    for (const peers of running) await stopAll(peers)
  })

  it('applies to TCP connections; a burst of gossip written in one turn, and a large catch-up, arrive whole and in order', async () => {
    const peers = (await startPeers(2, { transport: 'tcp' })) as [TestPeer, TestPeer]
    running.push(peers)
    const [a, b] = peers
    // as the daemon does: every connection either peer opens coalesces its writes
    for (const p of peers) p.peer.libp2p.addEventListener('connection:open', (evt) => coalesceWrites(evt.detail))
    const groupId = await shareGroup(peers)
    await connect(a, b)
    const connections = a.peer.libp2p.getConnections(b.peer.libp2p.peerId)
    assert.ok(connections.length > 0)
    for (const connection of connections) assert.equal(coalesceWrites(connection), true, 'the TCP connection has the shape it expects')
    await waitForMembers(peers, groupId, 1)

    const received: string[] = []
    b.peer.addEventListener('entries', (evt) => {
      for (const e of evt.detail.entries) if (e.op?.type === 'message') received.push(e.op.text)
    })
    const burst = Array.from({ length: BURST }, (_, i) => `pitch ${i}`)
    await Promise.all(burst.map((text) => a.peer.send(groupId, { type: 'message', text })))
    await waitFor(() => received.length === BURST, `b to receive the ${BURST} messages of the burst`, 15_000)
    assert.deepEqual(received, burst, 'every message of the burst, in the order written')

    // b away while a writes thousands: they come back in one catch-up, whose stream writes are coalesced too
    await disconnect(a, b)
    const later = Array.from({ length: CATCH_UP }, (_, i) => `bivouac ${i}`)
    for (const text of later) await a.peer.send(groupId, { type: 'message', text })
    await connect(b, a)
    await waitFor(() => logOf(b, groupId).size === logOf(a, groupId).size, 'b to catch up', 60_000)
    assert.deepEqual(received.slice(BURST), later, 'the catch-up, every message in log order')
  })
})
