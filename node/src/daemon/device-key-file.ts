/**
 * The device key on disk: the 64 bytes of the Ed25519 key pair, readable by
 * the owner only (0600). It is the device's identity in every group; losing
 * it makes this daemon a new device.
 */
import { chmod, readFile, stat } from 'node:fs/promises'
import { type DeviceKey, deviceKeyFromBytes, deviceKeyToBytes, generateDeviceKey } from '@causette/core'
import { writePrivateFile } from '../data-dir.ts'
import { DeviceKeyFileError } from '../errors.ts'

export interface LoadedKey {
  key: DeviceKey
  /** True when this call generated the key (the daemon's first start). */
  created: boolean
}

export async function loadOrCreateDeviceKey(path: string): Promise<LoadedKey> {
  let bytes: Uint8Array
  try {
    bytes = await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new DeviceKeyFileError(path, { cause: err })
    const key = await generateDeviceKey()
    await writePrivateFile(path, deviceKeyToBytes(key))
    return { key, created: true }
  }
  // a key readable by others is tightened rather than refused: the daemon is what would be stuck
  if (((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o600)
  try {
    return { key: deviceKeyFromBytes(bytes), created: false }
  } catch (err) {
    throw new DeviceKeyFileError(path, { cause: err })
  }
}
