/**
 * XChaCha20-Poly1305 through OpenSSL for large payloads — a file's 256 KiB
 * pieces — and the WebAssembly one (wasm-xchacha.ts) for the small ones
 * (entry bodies), where a native call's fixed cost outweighs its speed.
 * The composition is the XChaCha draft's: the subkey is HChaCha20(key,
 * nonce[0..16]) (noble's), then RFC 8439's ChaCha20-Poly1305 — OpenSSL's
 * `chacha20-poly1305` — with the nonce 0000 || nonce[16..24]. The bytes are
 * those of any other XChaCha20-Poly1305 (test/node/wasm-xchacha.test.ts
 * checks this one against noble too), so peers on either read each other.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto'
import type { XChaChaAead } from '@causette/core'
import { hchacha } from '@noble/ciphers/chacha.js'
import { wasmXChaCha } from './wasm-xchacha.ts'

/** From this size on, OpenSSL's is faster (measured: ~4 KiB on the CI machine). */
const NATIVE_FROM_BYTES = 16 * 1024
const TAG_BYTES = 16

// noble's hchacha takes words as views over bytes in the host's order
const SIGMA = new Uint32Array(new TextEncoder().encode('expand 32-byte k').buffer)
const keyWords = new Uint32Array(8)
const keyBytes = new Uint8Array(keyWords.buffer)
const nonceWords = new Uint32Array(4)
const nonceBytes = new Uint8Array(nonceWords.buffer)

function subkeyAndNonce(key: Uint8Array, nonce: Uint8Array): { subkey: Uint8Array; iv: Uint8Array } {
  if (key.byteLength !== 32 || nonce.byteLength !== 24) throw new RangeError('XChaCha20-Poly1305 takes a 32-byte key and a 24-byte nonce')
  keyBytes.set(key)
  nonceBytes.set(nonce.subarray(0, 16))
  const subkeyWords = new Uint32Array(8)
  hchacha(SIGMA, keyWords, nonceWords, subkeyWords)
  const iv = new Uint8Array(12)
  iv.set(nonce.subarray(16), 4)
  return { subkey: new Uint8Array(subkeyWords.buffer), iv }
}

export const nativeXChaCha: XChaChaAead = {
  seal(key, nonce, associatedData, plaintext) {
    if (plaintext.byteLength < NATIVE_FROM_BYTES) return wasmXChaCha.seal(key, nonce, associatedData, plaintext)
    const { subkey, iv } = subkeyAndNonce(key, nonce)
    const cipher = createCipheriv('chacha20-poly1305', subkey, iv, { authTagLength: TAG_BYTES })
    cipher.setAAD(associatedData, { plaintextLength: plaintext.byteLength })
    const sealed = new Uint8Array(plaintext.byteLength + TAG_BYTES)
    sealed.set(cipher.update(plaintext))
    cipher.final()
    sealed.set(cipher.getAuthTag(), plaintext.byteLength)
    return sealed
  },
  open(key, nonce, associatedData, sealed) {
    if (sealed.byteLength < NATIVE_FROM_BYTES) return wasmXChaCha.open(key, nonce, associatedData, sealed)
    const { subkey, iv } = subkeyAndNonce(key, nonce)
    const length = sealed.byteLength - TAG_BYTES
    const decipher = createDecipheriv('chacha20-poly1305', subkey, iv, { authTagLength: TAG_BYTES })
    decipher.setAAD(associatedData, { plaintextLength: length })
    decipher.setAuthTag(sealed.subarray(length))
    const plain = decipher.update(sealed.subarray(0, length))
    try {
      decipher.final()
    } catch {
      return null
    }
    return new Uint8Array(plain.buffer, plain.byteOffset, plain.byteLength)
  }
}
