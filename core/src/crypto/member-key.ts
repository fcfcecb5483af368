/**
 * A device's X25519 key for receiving group keys. Derived from the device's
 * Ed25519 seed with HKDF (nothing more to store or back up); its public half
 * is published in the device's genesis or join entry. Derived once per
 * device key and kept with it: every log a device opens needs the pair, and
 * an X25519 public key is the cost of a signature check.
 */
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import type { DeviceKey } from '../identity/device-key.ts'
import { defaultX25519, type X25519 } from './x25519.ts'

export interface MemberKeyPair {
  publicKey: Uint8Array
  privateKey: Uint8Array
}

const encoder = new TextEncoder()

/** Pairs already derived, by the device's private key (an object that never changes). */
const derived = new WeakMap<DeviceKey['privateKey'], MemberKeyPair>()

/** The device's pair (the same object each time: not to be changed). */
export function memberKeyPair(device: DeviceKey, x25519: X25519 = defaultX25519): MemberKeyPair {
  let pair = derived.get(device.privateKey)
  if (pair === undefined) {
    const privateKey = hkdf(sha256, device.privateKey.raw.subarray(0, 32), encoder.encode('causette/v1'), encoder.encode('member-x25519'), 32)
    pair = { privateKey, publicKey: x25519.publicKey(privateKey) }
    derived.set(device.privateKey, pair)
  }
  return pair
}
