/**
 * Encryption of entry bodies: XChaCha20-Poly1305 with a random 24-byte nonce
 * written before the ciphertext. The associated data binds a body to the
 * group, author, sequence number and epoch of its entry, so a body cannot be
 * lifted into another entry.
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

const DOMAIN = new TextEncoder().encode('causette/body/v1')

function associatedData(ctx: BodyContext): Uint8Array {
  const out = new Uint8Array(DOMAIN.byteLength + 3 + ctx.group.byteLength + ctx.author.byteLength + 8 + ctx.epoch.byteLength)
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
  const view = new DataView(out.buffer)
  view.setUint32(o, Math.floor(ctx.seq / 2 ** 32))
  view.setUint32(o + 4, ctx.seq >>> 0)
  o += 8
  out.set(ctx.epoch, o)
  return out
}

export function sealBody(key: Uint8Array, ctx: BodyContext, plaintext: Uint8Array): Uint8Array {
  if (key.byteLength !== EPOCH_KEY_BYTES) throw new RangeError('epoch key must be 32 bytes')
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES))
  const ciphertext = xchacha20poly1305(key, nonce, associatedData(ctx)).encrypt(plaintext)
  const body = new Uint8Array(NONCE_BYTES + ciphertext.byteLength)
  body.set(nonce)
  body.set(ciphertext, NONCE_BYTES)
  return body
}

export function openBody(key: Uint8Array, ctx: BodyContext, body: Uint8Array): Uint8Array {
  if (body.byteLength < NONCE_BYTES + AEAD_TAG_BYTES) {
    throw new UndecryptableBodyError(`entry body is ${body.byteLength} bytes, too short to hold a nonce and tag`)
  }
  try {
    return xchacha20poly1305(key, body.subarray(0, NONCE_BYTES), associatedData(ctx)).decrypt(body.subarray(NONCE_BYTES))
  } catch {
    throw new UndecryptableBodyError('entry body does not decrypt under the group key it names (tampered, or encrypted for another group)')
  }
}
