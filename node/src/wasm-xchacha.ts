/**
 * XChaCha20-Poly1305 for entry bodies in Node, built from the WebAssembly
 * ChaCha20 and Poly1305 of @chainsafe/as-chacha20poly1305 (what libp2p-noise
 * runs in Node) and noble's HChaCha20, as the XChaCha draft composes them:
 * the subkey is HChaCha20(key, nonce[0..16]); then RFC 8439's AEAD with the
 * nonce 0000 || nonce[16..24]: block 0 of the keystream keys Poly1305,
 * blocks 1.. encrypt, and the tag covers AD, pad, ciphertext, pad and both
 * lengths. That package's own AEAD takes at most 32 bytes of associated
 * data, and a body's is ~130, hence the composition.
 *
 * Faster than noble's, with far fewer short-lived arrays (the log
 * benchmark measures it). Node only: the module compiles its WebAssembly
 * synchronously on import, which browsers refuse on their main thread for
 * code this size, so core defaults to noble and the daemon injects this one
 * (CausettePeer's `aead`, handed to every log it opens).
 * test/node/wasm-xchacha.test.ts checks it byte for byte against noble and
 * the draft's test vector.
 */

import type { XChaChaAead } from '@causette/core'
import { chacha20StreamXOR, newInstance, Poly1305 } from '@chainsafe/as-chacha20poly1305'
import { hchacha } from '@noble/ciphers/chacha.js'

const KEY_BYTES = 32
const NONCE_BYTES = 24
const TAG_BYTES = 16

const poly1305 = new Poly1305(newInstance())
// noble's hchacha takes words as views over bytes in the host's order, and swaps them itself on big-endian hosts
const SIGMA = new Uint32Array(new TextEncoder().encode('expand 32-byte k').buffer)
const keyWords = new Uint32Array(8)
const keyBytes = new Uint8Array(keyWords.buffer)
const nonceWords = new Uint32Array(4)
const nonceBytes = new Uint8Array(nonceWords.buffer)
const subkeyWords = new Uint32Array(8)
const subkey = new Uint8Array(subkeyWords.buffer)
/** ChaCha20's 16-byte input: the block counter (little-endian), then the 12-byte nonce. */
const counterAndNonce = new Uint8Array(16)
const ZEROS = new Uint8Array(32)
const PAD = new Uint8Array(16)
const lengths = new Uint8Array(16)
const lengthsView = new DataView(lengths.buffer)

/** Derives the subkey and nonce for `key` and `nonce` into the module's buffers. */
function prepare(key: Uint8Array, nonce: Uint8Array): void {
  if (key.byteLength !== KEY_BYTES) throw new RangeError(`XChaCha20-Poly1305 takes a ${KEY_BYTES}-byte key, not ${key.byteLength}`)
  if (nonce.byteLength !== NONCE_BYTES) throw new RangeError(`XChaCha20-Poly1305 takes a ${NONCE_BYTES}-byte nonce, not ${nonce.byteLength}`)
  keyBytes.set(key)
  nonceBytes.set(nonce.subarray(0, 16))
  hchacha(SIGMA, keyWords, nonceWords, subkeyWords)
  counterAndNonce.fill(0)
  counterAndNonce.set(nonce.subarray(16), 8)
}

function keystream(counter: number, data: Uint8Array): Uint8Array {
  counterAndNonce[0] = counter
  return chacha20StreamXOR(subkey, counterAndNonce, data)
}

function tagOf(associatedData: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  poly1305.init(keystream(0, ZEROS))
  poly1305.update(associatedData)
  if (associatedData.byteLength % 16 !== 0) poly1305.update(PAD.subarray(associatedData.byteLength % 16))
  poly1305.update(ciphertext)
  if (ciphertext.byteLength % 16 !== 0) poly1305.update(PAD.subarray(ciphertext.byteLength % 16))
  lengthsView.setUint32(0, associatedData.byteLength, true)
  lengthsView.setUint32(4, 0, true)
  lengthsView.setUint32(8, ciphertext.byteLength, true)
  lengthsView.setUint32(12, 0, true)
  poly1305.update(lengths)
  return poly1305.digest()
}

export const wasmXChaCha: XChaChaAead = {
  seal(key, nonce, associatedData, plaintext) {
    prepare(key, nonce)
    const ciphertext = keystream(1, plaintext)
    const sealed = new Uint8Array(ciphertext.byteLength + TAG_BYTES)
    sealed.set(ciphertext)
    sealed.set(tagOf(associatedData, ciphertext), ciphertext.byteLength)
    return sealed
  },
  open(key, nonce, associatedData, sealed) {
    if (sealed.byteLength < TAG_BYTES) return null
    prepare(key, nonce)
    const ciphertext = sealed.subarray(0, sealed.byteLength - TAG_BYTES)
    const tag = tagOf(associatedData, ciphertext)
    // every byte compared whatever the first difference, so the time taken says nothing of where it is
    let difference = 0
    for (let i = 0; i < TAG_BYTES; i++) difference |= (tag[i] as number) ^ (sealed[ciphertext.byteLength + i] as number)
    if (difference !== 0) return null
    return keystream(1, ciphertext)
  }
}
