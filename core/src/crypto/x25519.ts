/**
 * X25519, the key agreement that grants seal epoch keys to members with
 * (epoch-grant.ts) and that derives a member's key (member-key.ts). Passed
 * in by whoever grants and opens (a log's `x25519` option); noble's runs
 * everywhere and is the default. A platform with a faster implementation of
 * the very same function injects it (the Node daemon's is
 * node/src/node-x25519.ts, OpenSSL's): the keys and shared secrets are the
 * same bytes either way, so peers on either kind read each other's grants.
 *
 * Secrets are 32 random bytes drawn by the caller (never by the
 * implementation), so a seeded run draws the same randomness whichever one
 * it is given.
 */
import { x25519 } from '@noble/curves/ed25519.js'

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
