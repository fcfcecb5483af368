/**
 * A fast, deterministic stand-in for Ed25519 in the simulation: a signature
 * is HMAC-SHA-512 of the data under a secret that only the key's registered
 * holder has. Like Ed25519 it cannot be forged without the private key and
 * fails for unknown keys; unlike it, it costs microseconds, so the simulation
 * can run hundreds of seeds. Real Ed25519 runs on fewer seeds (simulation.test.ts).
 */
import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto'
import { type DeviceKey, type Signatures, toHex } from '@causette/core'

export interface KeyedHashSignatures extends Signatures {
  /** Makes `key` a known signer; only registered keys verify. */
  register(key: DeviceKey): void
}

export function keyedHashSignatures(): KeyedHashSignatures {
  const secrets = new Map<string, KeyObject>()
  const mac = (secret: KeyObject, data: Uint8Array) => createHmac('sha512', secret).update(data).digest()
  return {
    register(key) {
      // the Ed25519 seed half of the private key stands in for the signing secret
      secrets.set(toHex(key.publicKey), createSecretKey(key.privateKey.raw.subarray(0, 32)))
    },
    sign(key, data) {
      const secret = secrets.get(toHex(key.publicKey))
      if (secret === undefined) throw new Error('keyedHashSignatures: sign with a key that was never registered')
      return mac(secret, data)
    },
    verify(publicKey, signature, data) {
      const secret = secrets.get(toHex(publicKey))
      return secret !== undefined && signature.byteLength === 64 && timingSafeEqual(mac(secret, data), signature)
    }
  }
}
