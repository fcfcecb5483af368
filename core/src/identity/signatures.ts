/**
 * How entries are signed and verified. Injected, so each runtime can use its
 * fastest Ed25519: the default goes through @libp2p/crypto (WebCrypto or
 * noble in browsers); the Node runtime passes one that caches key objects.
 */
import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import type { PublicKey } from '@libp2p/interface'
import type { DeviceKey } from './device-key.ts'

export interface Signatures {
  sign(key: DeviceKey, data: Uint8Array): Uint8Array | Promise<Uint8Array>
  verify(publicKey: Uint8Array, signature: Uint8Array, data: Uint8Array): boolean | Promise<boolean>
}

const KEY_CACHE_SIZE = 1024

export function libp2pSignatures(): Signatures {
  const keys = new Map<string, PublicKey>()
  return {
    sign: (key, data) => key.privateKey.sign(data),
    verify(publicKey, signature, data) {
      const cacheKey = String.fromCharCode(...publicKey)
      let key = keys.get(cacheKey)
      if (key === undefined) {
        try {
          key = publicKeyFromRaw(publicKey)
        } catch {
          return false
        }
        if (keys.size >= KEY_CACHE_SIZE) keys.delete(keys.keys().next().value as string)
        keys.set(cacheKey, key)
      }
      try {
        return key.verify(data, signature)
      } catch {
        return false
      }
    }
  }
}
