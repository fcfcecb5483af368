/**
 * A peer that comes back (a tab reopened, a daemon restarted) while the
 * other still holds its old connection, dead: real libp2p peers over TCP
 * on loopback, the old connection made through a proxy that the test
 * freezes, so that it stays open with no one answering at the far end.
 */
import assert from 'node:assert/strict'
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net'
import { after, describe, it } from 'node:test'
import { connectionHandover, MemoryStore } from '@causette/core'
import { connect, logOf, shareGroup, startPeer, type TestPeer, waitFor, waitForJoins, waitForMembers } from '../fixtures/peers.ts'
import { freshDeviceKeys } from '../fixtures/replicas.ts'

/** A TCP proxy to `port` that, once frozen, keeps its sockets open and forwards nothing. */
async function freezableProxy(port: number): Promise<{ port: number; freeze: () => void; close: () => void }> {
  const sockets: Socket[] = []
  const server: Server = createServer((inbound) => {
    const outbound = tcpConnect(port, '127.0.0.1')
    sockets.push(inbound, outbound)
    inbound.pipe(outbound)
    outbound.pipe(inbound)
    for (const s of [inbound, outbound]) s.on('error', () => {})
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port')
  return {
    port: address.port,
    freeze: () => {
      for (const s of sockets) {
        s.unpipe()
        s.pause()
      }
    },
    close: () => {
      for (const s of sockets) s.destroy()
      server.close()
    }
  }
}

const running: Array<() => Promise<void> | void> = []
after(async () => {
  for (const stop of running.reverse()) await stop()
})

describe('a peer that connects again while its old connection is dead here', () => {
  it('has the dead connection closed, gets what it writes across, and gossip carries its next message', async () => {
    const [keyA, keyB] = await freshDeviceKeys(2)
    if (keyA === undefined || keyB === undefined) throw new Error('no keys')
    const storeA = new MemoryStore()
    const options = { transport: 'tcp' as const, services: { connectionHandover: connectionHandover() as (components: unknown) => unknown } }
    const first = await startPeer(keyA, storeA, options)
    const bob = await startPeer(keyB, new MemoryStore(), options)
    running.push(() => bob.peer.stop())
    const groupId = await shareGroup([first, bob])

    const port = Number(/\/tcp\/(\d+)/.exec(first.peer.multiaddrs()[0] ?? '')?.[1])
    const proxy = await freezableProxy(port)
    running.push(proxy.close)
    await bob.peer.dial(`/ip4/127.0.0.1/tcp/${proxy.port}/p2p/${first.peer.peerId}`)
    await waitForMembers([first, bob], groupId, 1)
    await waitForJoins([first, bob], groupId)

    // Alice's first run goes, and nothing tells Bob: his connection to her stays open, dead
    proxy.freeze()
    await first.peer.stop()
    const alice = first.peer.libp2p.peerId
    assert.equal(bob.peer.libp2p.getConnections(alice).length, 1, 'Bob still holds the dead connection')

    const again: TestPeer = await startPeer(keyA, storeA, options)
    running.push(() => again.peer.stop())
    await connect(again, bob)
    const written = await again.peer.send(groupId, { type: 'message', text: 'back again' })
    await waitFor(
      () =>
        bob.peer.libp2p.getConnections(alice).length === 1 &&
        bob.peer.libp2p.getConnections(alice)[0]?.remoteAddr.toString().includes(`/tcp/${proxy.port}`) === false,
      'Bob to close the dead connection and keep the new one',
      15_000
    )
    await waitFor(() => logOf(bob, groupId).get(written.idHex) !== undefined, 'Bob to have what Alice wrote as she came back', 15_000)

    const gossiped: string[] = []
    bob.peer.addEventListener('entries', (evt) => {
      if (evt.detail.source === 'gossip') gossiped.push(...evt.detail.entries.map((e) => e.idHex))
    })
    // gossip needs Bob's subscription at Alice's new run, sent once gossipsub has a stream on the new connection
    let next = ''
    await waitFor(
      async () => {
        if (next === '' || logOf(bob, groupId).get(next) !== undefined)
          next = (await again.peer.send(groupId, { type: 'message', text: 'live again' })).idHex
        return gossiped.length > 0
      },
      'a message of Alice’s to reach Bob by gossip',
      15_000
    )
  })
})
