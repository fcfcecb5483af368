/**
 * What a CausettePeer in Node is given in place of core's portable
 * defaults, so every Node peer runs as the daemon does: Noise's cipher with
 * key objects made once per session (noise-crypto.ts), node:crypto's
 * SHA-256 for the ids of peers' entries and gossip's messages
 * (node-hashes.ts), and bodies and files' pieces through the faster
 * ciphers (native-xchacha.ts), and epoch keys' grants through OpenSSL's
 * X25519 (node-x25519.ts). Its connections are tuned apart, once it
 * exists (connection-tuning.ts). Signatures are the caller's: the daemon
 * checks them on a worker thread, others with nodeSignatures.
 */
import type { CausettePeerInit } from '@causette/core'
import { nativeXChaCha } from './native-xchacha.ts'
import { nodeSha256 } from './node-hashes.ts'
import { nodeX25519 } from './node-x25519.ts'
import { nodeNoiseCrypto } from './noise-crypto.ts'

export type NodePeerParts = Required<Pick<CausettePeerInit, 'noise' | 'sha256' | 'aead' | 'x25519'>>

export function nodePeerParts(): NodePeerParts {
  return { noise: { crypto: nodeNoiseCrypto }, sha256: nodeSha256, aead: nativeXChaCha, x25519: nodeX25519 }
}
