/**
 * Noise's ChaCha20-Poly1305 for Node, with the cipher key imported once per
 * session key. libp2p-noise hands node:crypto the raw key for every frame of
 * 1,200 bytes or more, and importing it costs more than the encryption
 * (~17 µs a frame against ~5 µs with a key object made once, on this
 * machine); smaller frames keep noise's own WebAssembly ChaCha, which is
 * faster for them. Everything else is noise's default for Node.
 */
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto'
import type { ICryptoInterface } from '@chainsafe/libp2p-noise'
import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto'
import { Uint8ArrayList } from 'uint8arraylist'

/** Noise's own threshold: below it its WebAssembly implementation is the faster. */
const LARGE_FRAME = 1200
const TAG_BYTES = 16

/** A session's key object, by the key array noise keeps for that session (checked against its bytes, in case they change). */
const keyObjects = new WeakMap<Uint8Array, { bytes: Buffer; key: KeyObject }>()

function keyObjectOf(k: Uint8Array): KeyObject {
  const cached = keyObjects.get(k)
  if (cached?.bytes.equals(k)) return cached.key
  const bytes = Buffer.from(k)
  const key = createSecretKey(bytes)
  keyObjects.set(k, { bytes, key })
  return key
}

export const nodeNoiseCrypto: ICryptoInterface = {
  ...defaultCrypto,
  // a frame arrives as a list of the buffers it spans (a yamux header and its data, two socket reads): each is fed
  // to the cipher as it is, and the output handed on as a list, so no frame is copied whole on its way (a file's
  // pieces pass here at tens of MB/s, and every copy is garbage for V8 to collect)
  chaCha20Poly1305Encrypt(plaintext, nonce, ad, k) {
    if (plaintext.byteLength < LARGE_FRAME) return defaultCrypto.chaCha20Poly1305Encrypt(plaintext, nonce, ad, k)
    const cipher = createCipheriv('chacha20-poly1305', keyObjectOf(k), nonce, { authTagLength: TAG_BYTES })
    cipher.setAAD(ad, { plaintextLength: plaintext.byteLength })
    const output = new Uint8ArrayList()
    for (const part of partsOf(plaintext)) output.append(cipher.update(part))
    const final = cipher.final()
    if (final.byteLength > 0) output.append(final)
    output.append(cipher.getAuthTag())
    return output as unknown as NoiseBytes
  },
  chaCha20Poly1305Decrypt(ciphertext, nonce, ad, k, dst) {
    if (ciphertext.byteLength < LARGE_FRAME) return defaultCrypto.chaCha20Poly1305Decrypt(ciphertext, nonce, ad, k, dst)
    const length = ciphertext.byteLength - TAG_BYTES
    const decipher = createDecipheriv('chacha20-poly1305', keyObjectOf(k), nonce, { authTagLength: TAG_BYTES })
    decipher.setAAD(ad, { plaintextLength: length })
    decipher.setAuthTag(ciphertext.subarray(length))
    const body = ciphertext instanceof Uint8Array ? ciphertext.subarray(0, length) : ciphertext.sublist(0, length)
    const output = new Uint8ArrayList()
    for (const part of partsOf(body)) output.append(decipher.update(part))
    // throws when the tag does not match, as noise's own implementation does
    const final = decipher.final()
    if (final.byteLength > 0) output.append(final)
    return output as unknown as NoiseBytes
  }
}

/**
 * What noise hands and takes: bytes, or a list of them in its own major version of uint8arraylist. Both versions
 * mark their lists with the same Symbol.for and read each other's (libp2p's own packages mix them already); only
 * their declarations differ.
 */
type NoiseBytes = Parameters<ICryptoInterface['chaCha20Poly1305Encrypt']>[0]

function partsOf(data: NoiseBytes): Iterable<Uint8Array> {
  return data instanceof Uint8Array ? [data] : data
}
