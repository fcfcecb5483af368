/**
 * Hashes through node:crypto's one-shot `hash`, where core's JS ones
 * (noble's) would cost the daemon's main thread several times more:
 * SHA-256 for the ids of entries that come from peers and of gossip's
 * messages (~1 µs for a message's ~500 bytes against ~5 µs; the relay's
 * too), SHA-512 for safety-number
 * fingerprints (5,200 rounds each, five times faster).
 */
import { hash } from 'node:crypto'

export function nodeSha256(data: Uint8Array): Uint8Array {
  return hash('sha256', data, 'buffer')
}

export function nodeSha512(data: Uint8Array): Uint8Array {
  return hash('sha512', data, 'buffer')
}
