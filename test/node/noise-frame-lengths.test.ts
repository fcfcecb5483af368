/**
 * Noise's frame lengths read without an exception per read
 * (node/src/noise-frame-lengths.ts), as the daemon's connections do: the
 * reader gives noise's lengths, the TCP connections libp2p makes have the
 * shape it expects (if an upgrade changed it, this says so instead of the
 * speed quietly going), and messages of every size, in bursts and in a
 * catch-up whose frames cross socket reads, arrive whole and in order.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import type { Connection } from '@libp2p/interface'
import fc from 'fast-check'
import { Uint8ArrayList } from 'uint8arraylist'
import { frameLength, quietFrameLengths } from '../../node/src/noise-frame-lengths.ts'
import { nodeRuntime } from '../bench/node-runtime.ts'
import { connect, disconnect, logOf, shareGroup, startPeers, stopAll, type TestPeer, waitFor, waitForMembers } from '../fixtures/peers.ts'

/** Texts from a character to the longest a message may be (16,000 characters); sync's batches fill whole Noise frames (65,535 bytes). */
const SIZES = [1, 100, 1199, 1200, 4000, 9000, 16_000]
const CATCH_UP = 1500

describe("Noise's frame lengths", () => {
  it("reads a big-endian length from two bytes, in one array or across a list's parts, as noise does (200 runs)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 8 }), fc.integer({ min: 0, max: 2 }), (length, rest, cut) => {
        const bytes = Uint8Array.of(length >> 8, length & 0xff, ...rest)
        assert.equal(frameLength(bytes), length)
        assert.equal(frameLength(new Uint8ArrayList(bytes.subarray(0, cut), bytes.subarray(cut))), length)
      }),
      { numRuns: 200 }
    )
  })

  it('says "not enough bytes yet" with a RangeError, the one the decoder waits on, made once rather than per read', () => {
    const first = (() => {
      try {
        frameLength(Uint8Array.of(7))
      } catch (err) {
        return err
      }
    })()
    assert.ok(first instanceof RangeError, 'the decoder waits for more bytes on a RangeError and fails the connection on anything else')
    assert.throws(
      () => frameLength(new Uint8ArrayList()),
      (err) => err === first
    )
  })

  it('leaves a connection of another shape as it is', () => {
    assert.equal(quietFrameLengths({} as Connection), false)
    const varintDecoder = { lengthDecoder: function decodeVarint() {} }
    const other = { muxer: { maConn: { decoder: varintDecoder } } } as unknown as Connection
    assert.equal(quietFrameLengths(other), false)
    assert.equal(varintDecoder.lengthDecoder.name, 'decodeVarint', 'only noise’s own reader is replaced')
  })

  const running: TestPeer[][] = []
  after(async () => {
    for (const peers of running) await stopAll(peers)
  })

  it('applies to TCP connections; messages of every size, live and in a catch-up, arrive whole and in order', async () => {
    const peers = (await startPeers(2, { transport: 'tcp', runtime: nodeRuntime() })) as [TestPeer, TestPeer]
    running.push(peers)
    const [a, b] = peers
    const groupId = await shareGroup(peers)
    await connect(a, b)
    const connections = a.peer.libp2p.getConnections(b.peer.libp2p.peerId)
    assert.ok(connections.length > 0)
    for (const connection of connections) assert.equal(quietFrameLengths(connection), true, 'the Noise connection has the shape it expects')
    await waitForMembers(peers, groupId, 1)

    const received: string[] = []
    b.peer.addEventListener('entries', (evt) => {
      for (const e of evt.detail.entries) if (e.op?.type === 'message') received.push(e.op.text)
    })
    const live = SIZES.flatMap((size, i) => [`${i}`.padEnd(size, 'a'), `${i}`.padEnd(size, 'b')])
    for (const text of live) await a.peer.send(groupId, { type: 'message', text })
    await waitFor(() => received.length === live.length, `b to receive the ${live.length} messages`, 15_000)
    assert.deepEqual(received, live, 'every message whole, in the order written')

    // b away while a writes: the catch-up's stream carries many frames per socket read, and frames split across reads
    await disconnect(a, b)
    const later = Array.from({ length: CATCH_UP }, (_, i) => `${i}`.padEnd(SIZES[i % SIZES.length] as number, 'c'))
    for (const text of later) await a.peer.send(groupId, { type: 'message', text })
    await connect(b, a)
    await waitFor(() => logOf(b, groupId).size === logOf(a, groupId).size, 'b to catch up', 60_000)
    assert.deepEqual(received.slice(live.length), later, 'the catch-up, every message whole, in log order')
  })
})
