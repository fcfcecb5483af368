/**
 * Everything derived from a group secret, each with its own HKDF label so no
 * two uses share a key: the first epoch key (which seals membership
 * operations, never a message: every invite link carries the secret), the
 * gossipsub topic (which tells outsiders nothing) and the key that proves
 * membership during sync.
 */
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { toHex } from '../codec/hex.ts'
import { EPOCH_KEY_BYTES, GROUP_SECRET_BYTES } from '../constants.ts'
import { InvalidArgumentError } from '../errors.ts'

const SALT = new TextEncoder().encode('causette/v1')

function derive(secret: Uint8Array, label: string, length = 32): Uint8Array {
  if (secret.byteLength !== GROUP_SECRET_BYTES) {
    throw new InvalidArgumentError(`a group secret is ${GROUP_SECRET_BYTES} bytes, this one is ${secret.byteLength}`)
  }
  return hkdf(sha256, secret, SALT, new TextEncoder().encode(label), length)
}

export function generateGroupSecret(): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(GROUP_SECRET_BYTES))
}

/** The key of the group's first epoch: membership operations are sealed under it, so anyone holding the secret can check them. */
export function firstEpochKey(secret: Uint8Array): Uint8Array {
  return derive(secret, 'epoch-key/first', EPOCH_KEY_BYTES)
}

/** The gossipsub topic of the group: opaque to anyone without the secret. */
export function groupTopic(secret: Uint8Array): string {
  return `/causette/group/${toHex(derive(secret, 'topic', 16))}`
}

/** Key for the challenge-response that proves membership before sync. */
export function syncAuthKey(secret: Uint8Array): Uint8Array {
  return derive(secret, 'sync-auth')
}
