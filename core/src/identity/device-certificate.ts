/**
 * A person's word that a device is theirs: a signature by the person key
 * over the device's key and its X25519 key for receiving group keys. A
 * person's key is the key of their first device (docs/devices.md says why),
 * so a person with one device needs no certificate at all, and every group,
 * safety number and verification made before linking existed stays valid.
 *
 * Members check a certificate when a `link-device` entry names it, so only
 * a device the person certified can become that person in a group.
 */
import { ed25519 } from '@noble/curves/ed25519.js'
import { concat } from 'uint8arrays/concat'
import type { DeviceKey } from './device-key.ts'

const LABEL = new TextEncoder().encode('causette/device/1')

export const DEVICE_CERTIFICATE_BYTES = 64

function certifiedBytes(person: Uint8Array, device: Uint8Array, memberKey: Uint8Array): Uint8Array {
  return concat([LABEL, person, device, memberKey])
}

/** The person (the holder of `person`, their first device's key) certifies `device` with its X25519 `memberKey`. */
export function certifyDevice(person: DeviceKey, device: Uint8Array, memberKey: Uint8Array): Promise<Uint8Array> {
  return Promise.resolve(person.privateKey.sign(certifiedBytes(person.publicKey, device, memberKey)))
}

/** Whether `certificate` is the person's signature for this device and member key. */
export function checkDeviceCertificate(person: Uint8Array, device: Uint8Array, memberKey: Uint8Array, certificate: Uint8Array): boolean {
  try {
    return ed25519.verify(certificate, certifiedBytes(person, device, memberKey), person)
  } catch {
    return false
  }
}
