/**
 * Members that lose each other find each other again (core's member links),
 * with real libp2p peers: a dropped connection is redialled, a member seen
 * only in the peer store is dialled, and a large group is linked by a few
 * connections per device, not by one to every member.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { multiaddr } from '@multiformats/multiaddr'
import { connectAll, disconnect, shareGroup, startPeers, stopAll, type TestPeer, waitFor, waitForJoins } from '../fixtures/peers.ts'

const running: TestPeer[][] = []
after(async () => {
  for (const peers of running) await stopAll(peers)
})

function connected(a: TestPeer, b: TestPeer): boolean {
  return a.peer.libp2p.getConnections(b.peer.libp2p.peerId).length > 0
}

/** Tells each peer's libp2p where the others listen, as a daemon's remembered addresses or mDNS would. */
async function learnAddresses(peers: TestPeer[]): Promise<void> {
  for (const p of peers) {
    for (const other of peers) {
      if (other === p) continue
      await p.peer.libp2p.peerStore.merge(other.peer.libp2p.peerId, { multiaddrs: other.peer.multiaddrs().map((a) => multiaddr(a)) })
    }
  }
}

describe('member links', () => {
  it('redials a member whose connection dropped, within seconds, and status says so', async () => {
    const peers = await startPeers(3, { transport: 'tcp', keepMemberLinks: true })
    running.push(peers)
    const [alice, bob, carol] = peers as [TestPeer, TestPeer, TestPeer]
    const groupId = await shareGroup(peers)
    await connectAll(peers)
    await waitForJoins(peers, groupId)
    await waitFor(() => alice.peer.status(groupId).links.every((l) => l.connected), 'Alice to see both members connected')

    await disconnect(alice, carol)
    const lostAt = Date.now()
    assert.equal(connected(alice, carol), false)
    await waitFor(() => connected(alice, carol), 'Alice and Carol to be connected again', 10_000)
    await waitFor(() => alice.peer.status(groupId).links.every((l) => l.connected), "Alice's status to show every member online again")
    const carolLink = alice.peer.status(groupId).links.find((l) => l.peer === carol.peer.peerId)
    assert.ok((carolLink?.since ?? 0) >= lostAt, 'Carol is connected since after the loss: a new connection, not the old one')
    const bobLink = alice.peer.status(groupId).links.find((l) => l.peer === bob.peer.peerId)
    assert.equal(bobLink?.connected, true, 'Bob was never lost')
  })

  it('dials members it has never been connected to when it knows where they are', async () => {
    const peers = await startPeers(3, { transport: 'tcp', keepMemberLinks: true })
    running.push(peers)
    const groupId = await shareGroup(peers)
    await learnAddresses(peers)
    // nobody dials anybody: the links do
    await waitFor(() => peers.every((a) => peers.every((b) => a === b || connected(a, b))), 'a full mesh of the three members', 15_000)
    await waitFor(() => peers.every((p) => p.peer.status(groupId).connectedMembers.length === 2), 'each to see the other two in the group')
  })

  it('links a group larger than linksPerGroup with a few dials per device, and gossip still reaches everyone', async () => {
    const cap = 3
    const peers = await startPeers(10, { keepMemberLinks: true, linksPerGroup: cap })
    running.push(peers)
    const groupId = await shareGroup(peers)
    await learnAddresses(peers)
    await waitFor(
      () => peers.every((p) => p.peer.status(groupId).connectedMembers.length >= cap),
      `each member to reach at least ${cap} others`,
      20_000
    )
    // a second of ticks more: nobody keeps dialling beyond the cap
    await new Promise((resolve) => setTimeout(resolve, 2500))
    for (const p of peers) {
      const outbound = p.peer.libp2p.getConnections().filter((c) => c.direction === 'outbound').length
      assert.ok(outbound <= cap, `a member dialled ${outbound} others; at most ${cap}`)
      const links = p.peer.status(groupId).links
      assert.equal(links.length, 9)
      assert.ok(
        links.every((l) => l.connected || l.notDialled === true),
        'every other member is connected, or reported as reached through others (none unreachable)'
      )
    }
    assert.ok(
      peers.some((p) => p.peer.status(groupId).links.some((l) => l.notDialled === true)),
      'some members are reached only through others'
    )
    const total = peers.reduce((n, p) => n + p.peer.libp2p.getConnections().length, 0) / 2
    assert.ok(total < 45, `${total} connections, not the 45 of a full mesh`)

    const author = peers[0] as TestPeer
    await author.peer.send(groupId, { type: 'message', text: 'Reaches everyone?' })
    await waitFor(
      async () =>
        (
          await Promise.all(
            peers.map(async (p) => (await p.peer.group(groupId).view.messages()).messages.some((m) => m.text === 'Reaches everyone?'))
          )
        ).every(Boolean),
      'the message to reach all ten members through the partial mesh',
      20_000
    )
  })
})
