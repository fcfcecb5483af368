/**
 * X25519 through OpenSSL (node:crypto), for the grants of epoch keys: about
 * twelve times noble's speed on this project's machines, which a rekey of a
 * large group multiplies by its members (core/src/crypto/x25519.ts; the
 * figures are in test/bench/RESULTS.md). Raw 32-byte keys go in and out
 * through their fixed DER prefixes. A secret's key object is made once and
 * kept as long as the secret's array lives (a grant's ephemeral secret
 * meets every recipient; a member's secret every grant to it): callers never
 * change a secret's bytes after using it. test/node/node-x25519.test.ts
 * holds it to noble's results.
 */
import { createPrivateKey, createPublicKey, diffieHellman, type KeyObject } from 'node:crypto'
import type { X25519 } from '@causette/core'

// RFC 8410: PrivateKeyInfo and SubjectPublicKeyInfo of id-X25519 (1.3.101.110), the raw key last
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex')
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex')
const KEY_BYTES = 32

const secrets = new WeakMap<Uint8Array, KeyObject>()

function secretKey(secret: Uint8Array): KeyObject {
  let key = secrets.get(secret)
  if (key === undefined) {
    if (secret.byteLength !== KEY_BYTES) throw new RangeError('an X25519 secret is 32 bytes')
    key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, secret]), format: 'der', type: 'pkcs8' })
    secrets.set(secret, key)
  }
  return key
}

export const nodeX25519: X25519 = {
  publicKey(secret) {
    const spki = createPublicKey(secretKey(secret)).export({ format: 'der', type: 'spki' })
    return new Uint8Array(spki.subarray(SPKI_PREFIX.byteLength))
  },
  sharedSecret(secret, publicKey) {
    if (publicKey.byteLength !== KEY_BYTES) throw new RangeError('an X25519 public key is 32 bytes')
    const other = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' })
    return new Uint8Array(diffieHellman({ privateKey: secretKey(secret), publicKey: other }))
  }
}
