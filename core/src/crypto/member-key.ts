/**
 * A device's X25519 key for receiving group keys. Derived from the device's
 * Ed25519 seed with HKDF (nothing more to store or back up); its public half
 * is published in the device's genesis or join entry.
 */
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import type { DeviceKey } from '../identity/device-key.ts'
import { nobleX25519, type X25519 } from './x25519.ts'

export interface MemberKeyPair {
  publicKey: Uint8Array
  privateKey: Uint8Array
}

const encoder = new TextEncoder()

export function memberKeyPair(device: DeviceKey, x25519: X25519 = nobleX25519): MemberKeyPair {
  const privateKey = hkdf(sha256, device.privateKey.raw.subarray(0, 32), encoder.encode('causette/v1'), encoder.encode('member-x25519'), 32)
  return { privateKey, publicKey: x25519.publicKey(privateKey) }
}
