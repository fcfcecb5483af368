/**
 * Ed25519 through node:crypto with key objects cached per key: about twice
 * the speed of building a key object for every call, which is what catch-up
 * of long histories is bound by.
 */
import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto'
import type { DeviceKey, Signatures } from '@causette/core'

const CACHE_SIZE = 4096

export function nodeSignatures(): Signatures {
  const publicKeys = new Map<string, KeyObject | null>()
  const privateKeys = new WeakMap<DeviceKey, KeyObject>()
  return {
    sign(key, data) {
      let keyObject = privateKeys.get(key)
      if (keyObject === undefined) {
        keyObject = createPrivateKey({
          format: 'jwk',
          key: {
            kty: 'OKP',
            crv: 'Ed25519',
            d: Buffer.from(key.privateKey.raw.subarray(0, 32)).toString('base64url'),
            x: Buffer.from(key.publicKey).toString('base64url')
          }
        })
        privateKeys.set(key, keyObject)
      }
      return sign(null, data, keyObject)
    },
    verify(publicKey, signature, data) {
      const cacheKey = Buffer.from(publicKey).toString('latin1')
      let keyObject = publicKeys.get(cacheKey)
      if (keyObject === undefined) {
        try {
          keyObject = createPublicKey({ format: 'jwk', key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') } })
        } catch {
          keyObject = null
        }
        if (publicKeys.size >= CACHE_SIZE) publicKeys.delete(publicKeys.keys().next().value as string)
        publicKeys.set(cacheKey, keyObject)
      }
      if (keyObject === null || signature.byteLength !== 64) return false
      try {
        return verify(null, data, keyObject, signature)
      } catch {
        return false
      }
    }
  }
}
