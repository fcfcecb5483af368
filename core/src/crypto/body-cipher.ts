/**
 * Encryption of entry bodies: XChaCha20-Poly1305 with a random 24-byte nonce
 * written before the ciphertext. The associated data binds a body to the
 * group, author, sequence number and epoch of its entry, so a body cannot be
 * lifted into another entry.
 *
 * The cipher is passed in by whoever seals and opens (a log's `aead`
 * option); noble's runs everywhere and is the default. A platform with a
 * faster implementation of the very same cipher injects it (the Node
 * daemon's is node/src/wasm-xchacha.ts): every body opened and sealed is the
 * same bytes either way, so peers on either kind read each other.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { AEAD_TAG_BYTES, EPOCH_KEY_BYTES, NONCE_BYTES } from '../constants.ts'
import { UndecryptableBodyError } from '../errors.ts'

export interface BodyContext {
  group: Uint8Array
  author: Uint8Array
  seq: number
  epoch: Uint8Array
}

/** XChaCha20-Poly1305: 32-byte key, 24-byte nonce, 16-byte tag appended. */
export interface XChaChaAead {
  seal(key: Uint8Array, nonce: Uint8Array, associatedData: Uint8Array, plaintext: Uint8Array): Uint8Array
  /** The plaintext, or null if the tag does not match; new memory, never a view of `sealed` (whose buffer a reader reuses). */
  open(key: Uint8Array, nonce: Uint8Array, associatedData: Uint8Array, sealed: Uint8Array): Uint8Array | null
}

export const nobleXChaCha: XChaChaAead = {
  seal: (key, nonce, associatedData, plaintext) => xchacha20poly1305(key, nonce, associatedData).encrypt(plaintext),
  open(key, nonce, associatedData, sealed) {
    try {
      return xchacha20poly1305(key, nonce, associatedData).decrypt(sealed)
    } catch {
      return null
    }
  }
}

const DOMAIN = new TextEncoder().encode('causette/body/v1')

/**
 * Where the associated data is written: it is read only inside the cipher's
 * call that it is made for, and a fresh array of this size per body (over
 * 64 bytes, so memory outside V8's heap) cost more than the cipher's own
 * allocations when bodies are opened by the thousand.
 */
let scratch = new Uint8Array(256)
let scratchView = new DataView(scratch.buffer)

/** The associated data of a body: valid until the next call (a view of `scratch`). */
function associatedData(ctx: BodyContext): Uint8Array {
  const length = DOMAIN.byteLength + 3 + ctx.group.byteLength + ctx.author.byteLength + 8 + ctx.epoch.byteLength
  if (length > scratch.byteLength) {
    scratch = new Uint8Array(length)
    scratchView = new DataView(scratch.buffer)
  }
  const out = scratch
  let o = 0
  out.set(DOMAIN, o)
  o += DOMAIN.byteLength
  // lengths first so that no two contexts share an encoding
  out[o++] = ctx.group.byteLength
  out[o++] = ctx.author.byteLength
  out[o++] = ctx.epoch.byteLength
  out.set(ctx.group, o)
  o += ctx.group.byteLength
  out.set(ctx.author, o)
  o += ctx.author.byteLength
  scratchView.setUint32(o, Math.floor(ctx.seq / 2 ** 32))
  scratchView.setUint32(o + 4, ctx.seq >>> 0)
  o += 8
  out.set(ctx.epoch, o)
  return out.subarray(0, length)
}

export function sealBody(aead: XChaChaAead, key: Uint8Array, ctx: BodyContext, plaintext: Uint8Array): Uint8Array {
  if (key.byteLength !== EPOCH_KEY_BYTES) throw new RangeError('epoch key must be 32 bytes')
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES))
  const ciphertext = aead.seal(key, nonce, associatedData(ctx), plaintext)
  const body = new Uint8Array(NONCE_BYTES + ciphertext.byteLength)
  body.set(nonce)
  body.set(ciphertext, NONCE_BYTES)
  return body
}

export function openBody(aead: XChaChaAead, key: Uint8Array, ctx: BodyContext, body: Uint8Array): Uint8Array {
  if (body.byteLength < NONCE_BYTES + AEAD_TAG_BYTES) {
    throw new UndecryptableBodyError(`entry body is ${body.byteLength} bytes, too short to hold a nonce and tag`)
  }
  const plaintext = aead.open(key, body.subarray(0, NONCE_BYTES), associatedData(ctx), body.subarray(NONCE_BYTES))
  if (plaintext === null) {
    throw new UndecryptableBodyError('entry body does not decrypt under the group key it names (tampered, or encrypted for another group)')
  }
  return plaintext
}
