/**
 * Handing a new epoch key to the members of a group (a "grant"), and the
 * keys of earlier epochs to newcomers (a "history").
 *
 * Grant: a fresh ephemeral X25519 key; for each recipient, in the order of
 * their sorted device keys, the epoch key sealed with ChaCha20-Poly1305 under
 * HKDF(X25519(ephemeral, recipient), group id, labels and both public keys).
 * Each key-encryption key is used once, so the nonce is fixed. Recipients are
 * known to every member from the membership in the log, so a grant names
 * nobody: 50 bytes per member, about 1,300 members per 64 KiB entry.
 *
 * History: the keys of the epochs the writer held as current, sealed under
 * the new epoch key; each of those epochs' own history leads further back, so
 * a member who can read the newest epoch can read the whole conversation.
 */
import { chacha20poly1305, xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { decode, encode } from 'cborg'
import { EPOCH_ID_BYTES, EPOCH_KEY_BYTES, NONCE_BYTES } from '../constants.ts'
import { MalformedOperationError } from '../errors.ts'
import type { MemberKeyPair } from './member-key.ts'
import { defaultX25519, type X25519 } from './x25519.ts'

export interface EpochGrant {
  /** Ephemeral X25519 public key. */
  ephemeral: Uint8Array
  /** One sealed epoch key per recipient, recipients sorted by device key. */
  sealed: Uint8Array[]
}

export interface EpochKeyRecord {
  /** Epoch id (16 bytes; empty for the first epoch). */
  epoch: Uint8Array
  key: Uint8Array
}

export const SEALED_KEY_BYTES = EPOCH_KEY_BYTES + 16
const ZERO_NONCE = new Uint8Array(12)
const encoder = new TextEncoder()

function keyEncryptionKey(shared: Uint8Array, groupId: Uint8Array, ephemeral: Uint8Array, recipient: Uint8Array): Uint8Array {
  const info = new Uint8Array(16 + 64)
  info.set(encoder.encode('causette/grant/1'))
  info.set(ephemeral, 16)
  info.set(recipient, 48)
  return hkdf(sha256, shared, groupId, info, 32)
}

export function newEpochKey(): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(EPOCH_KEY_BYTES))
}

/** Seals `epochKey` for each recipient's X25519 public key, in the order given. */
export function grantEpochKey(epochKey: Uint8Array, recipients: Uint8Array[], groupId: Uint8Array, x25519: X25519 = defaultX25519): EpochGrant {
  const secret = globalThis.crypto.getRandomValues(new Uint8Array(32))
  const ephemeral = x25519.publicKey(secret)
  const sealed = recipients.map((recipient) => {
    const kek = keyEncryptionKey(x25519.sharedSecret(secret, recipient), groupId, ephemeral, recipient)
    return chacha20poly1305(kek, ZERO_NONCE).encrypt(epochKey)
  })
  return { ephemeral, sealed }
}

/** Opens this device's sealed key at `position`; undefined if it does not open (not ours, or tampered). */
export function openGrant(
  grant: EpochGrant,
  position: number,
  me: MemberKeyPair,
  groupId: Uint8Array,
  x25519: X25519 = defaultX25519
): Uint8Array | undefined {
  const sealed = grant.sealed[position]
  if (sealed === undefined) return undefined
  try {
    const kek = keyEncryptionKey(x25519.sharedSecret(me.privateKey, grant.ephemeral), groupId, grant.ephemeral, me.publicKey)
    return chacha20poly1305(kek, ZERO_NONCE).decrypt(sealed)
  } catch {
    return undefined
  }
}

export function sealHistory(epochKey: Uint8Array, records: EpochKeyRecord[]): Uint8Array {
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES))
  const ciphertext = xchacha20poly1305(epochKey, nonce, encoder.encode('causette/history/1')).encrypt(encode(records.map((r) => [r.epoch, r.key])))
  const out = new Uint8Array(NONCE_BYTES + ciphertext.byteLength)
  out.set(nonce)
  out.set(ciphertext, NONCE_BYTES)
  return out
}

/** The records of a history blob, or undefined if it does not open under `epochKey`. */
export function openHistory(epochKey: Uint8Array, blob: Uint8Array): EpochKeyRecord[] | undefined {
  if (blob.byteLength < NONCE_BYTES + 16) return undefined
  let plain: Uint8Array
  try {
    plain = xchacha20poly1305(epochKey, blob.subarray(0, NONCE_BYTES), encoder.encode('causette/history/1')).decrypt(blob.subarray(NONCE_BYTES))
  } catch {
    return undefined
  }
  const value = decode(plain, { strict: true, tags: [] }) as unknown
  if (!Array.isArray(value)) throw new MalformedOperationError('a key history is a list')
  return value.map((item) => {
    if (!Array.isArray(item) || !(item[0] instanceof Uint8Array) || !(item[1] instanceof Uint8Array)) {
      throw new MalformedOperationError('a key history holds [epoch, key] pairs')
    }
    if ((item[0].byteLength !== 0 && item[0].byteLength !== EPOCH_ID_BYTES) || item[1].byteLength !== EPOCH_KEY_BYTES) {
      throw new MalformedOperationError('a key history holds epochs of 0 or 16 bytes and keys of 32')
    }
    return { epoch: item[0], key: item[1] }
  })
}
