/**
 * Live delivery latency: a 10-peer group on loopback (TCP, every peer
 * connected to every other, all in this process, each run as the daemon
 * runs its peer: node-runtime.ts), 1 KB messages written by
 * peers in turn (live-latency.ts); latency is the time from `send` on the
 * writer to the entry being added on each other peer.
 */
import { connectAll, logOf, shareGroup, startPeers, stopAll, waitFor, waitForJoins } from '../fixtures/peers.ts'
import type { Benchmark, Metric } from './harness.ts'
import { liveLatency } from './live-latency.ts'
import { nodeRuntime } from './node-runtime.ts'
import { percentile, roundMs } from './percentile.ts'

/** The peers gossipsub forwards to on `topic`; its public interface type leaves the implementation's getMeshPeers out. */
function meshOf(pubsub: unknown, topic: string): string[] {
  return (pubsub as { getMeshPeers(topic: string): string[] }).getMeshPeers(topic)
}

export const latencyBenchmark: Benchmark = {
  name: 'latency',
  async run(ctx) {
    const count = ctx.quick ? 60 : 400
    const peers = await startPeers(10, { transport: 'tcp', runtime: nodeRuntime() })
    try {
      const groupId = await shareGroup(peers)
      await connectAll(peers)
      await waitForJoins(peers, groupId, 30_000)
      // heartbeats graft the gossipsub mesh: measure once every peer has at least gossipsub's lower bound (Dlo = 4) of mesh peers
      await waitFor(
        () => peers.every((p) => meshOf(p.peer.libp2p.services.pubsub, logOf(p, groupId).topic).length >= 4),
        'every peer to have 4 mesh peers',
        10_000
      )
      const { samples: sorted, lost } = await liveLatency(peers, groupId, count)
      const conditions = `${count} messages of 1 KB written in turn by the 10 peers of a group, one at a time (each reached every peer before the next), 10 peers in one process with the daemon's Node parts (node-runtime.ts), TCP on 127.0.0.1, all connected; send to entry added on each other peer${lost > 0 ? `; ${lost} deliveries missing after 2 s` : ''}`
      return [
        { name: 'live delivery p50', value: roundMs(percentile(sorted, 50)), unit: 'ms', target: { op: '<=', value: 5 }, conditions },
        { name: 'live delivery p99', value: roundMs(percentile(sorted, 99)), unit: 'ms', target: { op: '<=', value: 25 }, conditions }
      ] satisfies Metric[]
    } finally {
      await stopAll(peers)
    }
  }
}
