/**
 * The relay's identity: an Ed25519 key kept in its data directory
 * (`relay-key`, readable by its owner only), made at the first start. Its
 * peer id is part of the address members configure (`.../p2p/<id>`), so it
 * must survive restarts and upgrades; losing the file means giving members
 * a new address.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { RelayConfigError } from './relay-config.ts'

export const KEY_FILE = 'relay-key'

/** The relay's key from `dataDir`, made (and the directory with it) if there is none yet. */
export async function loadOrCreateIdentity(dataDir: string): Promise<{ key: PrivateKey; created: boolean }> {
  const path = join(dataDir, KEY_FILE)
  let bytes: Uint8Array | undefined
  try {
    bytes = await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new RelayConfigError(`cannot read the relay's key ${path}: ${(err as Error).message}`)
  }
  if (bytes !== undefined) {
    try {
      return { key: privateKeyFromProtobuf(bytes), created: false }
    } catch (err) {
      throw new RelayConfigError(
        `${path} is not a relay key (${(err as Error).message}); restore it from a backup, or move it away to make a new identity (members will need the new address)`
      )
    }
  }
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 })
    const key = await generateKeyPair('Ed25519')
    await writeFile(path, privateKeyToProtobuf(key), { mode: 0o600, flag: 'wx' })
    await chmod(path, 0o600)
    return { key, created: true }
  } catch (err) {
    throw new RelayConfigError(`cannot write the relay's key to ${path}: ${(err as Error).message}; give a writable --data-dir`)
  }
}
