/**
 * A device's Ed25519 key pair. Its public key is the device id and its libp2p
 * PeerId, and it signs every entry the device writes.
 */
import { generateKeyPair, privateKeyFromRaw, publicKeyFromRaw } from '@libp2p/crypto/keys'
import type { Ed25519PrivateKey } from '@libp2p/interface'
import { PUBLIC_KEY_BYTES } from '../constants.ts'
import { InvalidKeyError } from '../errors.ts'

export interface DeviceKey {
  /** 32-byte raw Ed25519 public key: the device id. */
  readonly publicKey: Uint8Array
  /** The libp2p form of the key, handed to libp2p as the node identity. */
  readonly privateKey: Ed25519PrivateKey
}

export async function generateDeviceKey(): Promise<DeviceKey> {
  const privateKey = await generateKeyPair('Ed25519')
  return { publicKey: privateKey.publicKey.raw, privateKey }
}

/** Rebuilds a device key from the 64 bytes `deviceKeyToBytes` gave. */
export function deviceKeyFromBytes(bytes: Uint8Array): DeviceKey {
  if (bytes.byteLength !== 64) {
    throw new InvalidKeyError(`a device key is 64 bytes, this one is ${bytes.byteLength}`)
  }
  const privateKey = privateKeyFromRaw(bytes)
  if (privateKey.type !== 'Ed25519') throw new InvalidKeyError('device key is not Ed25519')
  return { publicKey: privateKey.publicKey.raw, privateKey }
}

export function deviceKeyToBytes(key: DeviceKey): Uint8Array {
  return key.privateKey.raw
}

/** Checks that 32 bytes are a usable Ed25519 public key. */
export function assertPublicKey(bytes: Uint8Array): void {
  if (bytes.byteLength !== PUBLIC_KEY_BYTES) {
    throw new InvalidKeyError(`a public key is ${PUBLIC_KEY_BYTES} bytes, this one is ${bytes.byteLength}`)
  }
  try {
    publicKeyFromRaw(bytes)
  } catch (err) {
    throw new InvalidKeyError(`not an Ed25519 public key: ${(err as Error).message}`)
  }
}
