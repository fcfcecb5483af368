/**
 * What a CausettePeer in Node is given in place of core's portable
 * defaults, so every Node peer runs as the daemon does: Noise's cipher with
 * key objects made once per session (noise-crypto.ts), node:crypto's
 * SHA-256 for the ids of peers' entries and gossip's messages
 * (node-hashes.ts), bodies and files' pieces through the faster ciphers
 * (native-xchacha.ts), and, on each connection, socket writes coalesced
 * per turn (socket-coalescing.ts) and Noise's frame lengths read without an
 * exception per read (noise-frame-lengths.ts). Signatures are the caller's: the daemon checks
 * them on a worker thread, others with nodeSignatures.
 */
import type { CausettePeer, CausettePeerInit } from '@causette/core'
import { nativeXChaCha } from './native-xchacha.ts'
import { nodeSha256 } from './node-hashes.ts'
import { nodeNoiseCrypto } from './noise-crypto.ts'
import { quietFrameLengths } from './noise-frame-lengths.ts'
import { coalesceWrites } from './socket-coalescing.ts'

export type NodePeerParts = Required<Pick<CausettePeerInit, 'noise' | 'sha256' | 'aead'>>

export function nodePeerParts(): NodePeerParts {
  return { noise: { crypto: nodeNoiseCrypto }, sha256: nodeSha256, aead: nativeXChaCha }
}

/** Tunes each connection the peer opens or accepts from now on (writes once per turn, quiet frame lengths); call before start(). */
export function tuneConnections(peer: CausettePeer): void {
  peer.libp2p.addEventListener('connection:open', (evt) => {
    coalesceWrites(evt.detail)
    quietFrameLengths(evt.detail)
  })
}
