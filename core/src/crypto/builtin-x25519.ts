/**
 * X25519 through the platform's own `node:crypto` (OpenSSL in Node), where
 * there is one: about twelve times noble's speed on this project's
 * machines, which a rekey of a large group multiplies by its members (the
 * figures are in test/bench/RESULTS.md). It is found at run time, through
 * the runtime's `getBuiltinModule` on its global `process` object if both
 * exist, never imported by name: this file loads in a browser too, where
 * it finds nothing and noble's is used (x25519.ts).
 * test/node/node-x25519.test.ts holds it to noble's results.
 *
 * Raw 32-byte keys go in and out through their fixed DER prefixes. A
 * secret's key object is made once and kept as long as the secret's array
 * lives (a grant's ephemeral secret meets every recipient; a member's
 * secret every grant to it): callers never change a secret's bytes after
 * using it.
 */
import type { X25519 } from './x25519.ts'

/** What this needs of node:crypto (core is typed without Node's types). */
interface BuiltinCrypto {
  createPrivateKey(options: { key: Uint8Array; format: 'der'; type: 'pkcs8' }): KeyObject
  createPublicKey(options: KeyObject | { key: Uint8Array; format: 'der'; type: 'spki' }): KeyObject
  diffieHellman(options: { privateKey: KeyObject; publicKey: KeyObject }): Uint8Array
}

interface KeyObject {
  export(options: { format: 'der'; type: 'spki' }): Uint8Array
}

// RFC 8410: PrivateKeyInfo and SubjectPublicKeyInfo of id-X25519 (1.3.101.110), the raw key last
const PKCS8_PREFIX = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20)
const SPKI_PREFIX = Uint8Array.of(0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00)
const KEY_BYTES = 32

/** node:crypto's X25519, or undefined on a platform without node:crypto (a browser) or without X25519 in it. */
export function builtinX25519(): X25519 | undefined {
  const crypto = builtinCrypto()
  if (crypto === undefined) return undefined
  const secrets = new WeakMap<Uint8Array, KeyObject>()
  const secretKey = (secret: Uint8Array): KeyObject => {
    let key = secrets.get(secret)
    if (key === undefined) {
      if (secret.byteLength !== KEY_BYTES) throw new RangeError('an X25519 secret is 32 bytes')
      key = crypto.createPrivateKey({ key: prefixed(PKCS8_PREFIX, secret), format: 'der', type: 'pkcs8' })
      secrets.set(secret, key)
    }
    return key
  }
  const x25519: X25519 = {
    publicKey(secret) {
      const spki = crypto.createPublicKey(secretKey(secret)).export({ format: 'der', type: 'spki' })
      return new Uint8Array(spki.subarray(SPKI_PREFIX.byteLength))
    },
    sharedSecret(secret, publicKey) {
      if (publicKey.byteLength !== KEY_BYTES) throw new RangeError('an X25519 public key is 32 bytes')
      const other = crypto.createPublicKey({ key: prefixed(SPKI_PREFIX, publicKey), format: 'der', type: 'spki' })
      return new Uint8Array(crypto.diffieHellman({ privateKey: secretKey(secret), publicKey: other }))
    }
  }
  try {
    // a runtime whose node:crypto lacks X25519 (or refuses it) falls back to noble's
    x25519.publicKey(new Uint8Array(KEY_BYTES).fill(1))
  } catch {
    return undefined
  }
  return x25519
}

function builtinCrypto(): BuiltinCrypto | undefined {
  const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
  return runtime?.getBuiltinModule?.('node:crypto') as BuiltinCrypto | undefined
}

function prefixed(prefix: Uint8Array, key: Uint8Array): Uint8Array {
  const der = new Uint8Array(prefix.byteLength + key.byteLength)
  der.set(prefix)
  der.set(key, prefix.byteLength)
  return der
}
