/**
 * A data directory holding one large group, written straight into its
 * SQLite store (no daemon, no sync): `count` messages by 10 authors, taking
 * turns. With `creator`, that key made the group and wrote a tenth of it
 * (a daemon started on the directory with that device key is its admin
 * and can invite); without, the authors are strangers to the daemon.
 */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { type DeviceKey, generateDeviceKey, storedEntryOf, toHex } from '@causette/core'
import { nodeSignatures, SqliteStore } from '@causette/node'
import { syntheticLog } from './synthetic-log.ts'

const AUTHORS = 10
const BATCH = 1000

/** Writes the group; resolves with its id (hex). */
export async function largeGroupHome(home: string, count: number, creator?: DeviceKey): Promise<string> {
  const authors: DeviceKey[] = creator === undefined ? [] : [creator]
  while (authors.length < AUTHORS) authors.push(await generateDeviceKey())
  const { genesis, secret, entries } = await syntheticLog(authors, count, nodeSignatures())
  await mkdir(home, { recursive: true, mode: 0o700 })
  const store = await SqliteStore.open(join(home, 'causette.db'))
  try {
    await store.putGroup({ id: genesis.id, secret, name: 'Large', addedAt: Date.now() })
    const all = [genesis, ...entries]
    for (let i = 0; i < all.length; i += BATCH) {
      await store.putEntries(
        genesis.id,
        all.slice(i, i + BATCH).map((e) => storedEntryOf(e))
      )
    }
  } finally {
    await store.close()
  }
  return toHex(genesis.id)
}
