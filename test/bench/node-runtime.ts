/**
 * The Node daemon's own parts for benchmarks that run core's peers in this
 * process (test/fixtures/peers.ts): its ciphers and hashes, writes coalesced
 * per turn, and Ed25519 through node:crypto with key objects cached
 * (nodeSignatures; the daemon checks them the same way, on a worker thread
 * of its own, which ten peers in one process would each start).
 */
import { nodePeerParts, nodeSignatures, tuneConnections } from '@causette/node'
import type { TestRuntime } from '../fixtures/peers.ts'

export function nodeRuntime(): TestRuntime {
  return { parts: { ...nodePeerParts(), signatures: nodeSignatures() }, beforeStart: (peer) => tuneConnections(peer.libp2p) }
}
