/**
 * X25519, the key agreement that grants seal epoch keys to members with
 * (epoch-grant.ts) and that derives a member's key (member-key.ts). Passed
 * in by whoever grants and opens (a log's `x25519` option); without one,
 * the default is the platform's own where it has one (node:crypto's, in
 * Node: builtin-x25519.ts), else noble's, which runs everywhere (a
 * browser). The keys and shared secrets are the same bytes either way, so
 * peers on either kind read each other's grants.
 *
 * Secrets are 32 random bytes drawn by the caller (never by the
 * implementation), so a seeded run draws the same randomness whichever one
 * it is given.
 */
import { x25519 } from '@noble/curves/ed25519.js'
import { builtinX25519 } from './builtin-x25519.ts'

export interface X25519 {
  /** The public key of a 32-byte secret. */
  publicKey(secret: Uint8Array): Uint8Array
  /** The shared secret of a 32-byte secret and another's public key; throws on a public key of low order. */
  sharedSecret(secret: Uint8Array, publicKey: Uint8Array): Uint8Array
}

export const nobleX25519: X25519 = {
  publicKey: (secret) => x25519.getPublicKey(secret),
  sharedSecret: (secret, publicKey) => x25519.getSharedSecret(secret, publicKey)
}

/** node:crypto's where the platform has it (about twelve times faster), else noble's. */
export const defaultX25519: X25519 = builtinX25519() ?? nobleX25519
