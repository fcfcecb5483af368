/**
 * Makes a simulation replay byte for byte: while a run lasts, the process's
 * `crypto.getRandomValues` (group secrets, body nonces, sync nonces) draws
 * from a seeded stream, and device keys come from seeded bytes. Only the
 * simulation process does this; nothing here is fit for real keys.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto'
import { type DeviceKey, deviceKeyFromBytes } from '@causette/core'
import { SeededRandom } from '../fixtures/random.ts'

type GetRandomValues = <T extends ArrayBufferView | null>(array: T) => T

/** Routes crypto.getRandomValues to a stream seeded by `seed`; returns the function that restores it. */
export function seedRandomValues(seed: number): () => void {
  const random = new SeededRandom(seed)
  const cryptoObject = globalThis.crypto as { getRandomValues: GetRandomValues }
  const original = Object.getOwnPropertyDescriptor(cryptoObject, 'getRandomValues')
  const seeded = <T extends ArrayBufferView | null>(array: T): T => {
    if (array === null) return array
    const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength)
    for (let i = 0; i < bytes.length; i++) bytes[i] = random.int(256)
    return array
  }
  cryptoObject.getRandomValues = seeded as GetRandomValues
  return () => {
    if (original === undefined) delete (cryptoObject as Partial<typeof cryptoObject>).getRandomValues
    else Object.defineProperty(cryptoObject, 'getRandomValues', original)
  }
}

// PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410), so node:crypto derives the public key
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

/** An Ed25519 device key whose 32-byte seed is drawn from `random`. */
export function seededDeviceKey(random: SeededRandom): DeviceKey {
  const seed = Buffer.alloc(32)
  for (let i = 0; i < 32; i++) seed[i] = random.int(256)
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' })
  const x = createPublicKey(privateKey).export({ format: 'jwk' }).x as string
  return deviceKeyFromBytes(Buffer.concat([seed, Buffer.from(x, 'base64url')]))
}
