/**
 * A device's X25519 key for receiving group keys. Derived from the device's
 * Ed25519 seed with HKDF (nothing more to store or back up); its public half
 * is published in the device's genesis or join entry.
 */
import { x25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import type { DeviceKey } from '../identity/device-key.ts'

export interface MemberKeyPair {
  publicKey: Uint8Array
  privateKey: Uint8Array
}

const encoder = new TextEncoder()

export function memberKeyPair(device: DeviceKey): MemberKeyPair {
  const privateKey = hkdf(sha256, device.privateKey.raw.subarray(0, 32), encoder.encode('causette/v1'), encoder.encode('member-x25519'), 32)
  return { privateKey, publicKey: x25519.getPublicKey(privateKey) }
}
