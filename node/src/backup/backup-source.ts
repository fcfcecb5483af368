/**
 * A data directory's content as backup records (core's backup-records.ts
 * and device-records.ts): the device key, the daemon's own tables as the
 * backup's settings, then each group's record and its entries. The same
 * records come from a running daemon (through its store, `GET /v1/backup`)
 * and from a stopped one (the CLI opens the store itself).
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { deviceKeyFromBytes } from '@causette/core'
import { type BackupSettings, backupRecords as deviceRecords } from '@causette/core/backups'
import { DATABASE_FILE, DEVICE_KEY_FILE, homeFlag } from '../data-dir.ts'
import { DaemonAlreadyRunningError } from '../errors.ts'
import type { DaemonTables } from '../store/daemon-tables.ts'
import { SqliteStore } from '../store/sqlite-store.ts'
import { NothingToBackUpError } from './errors.ts'

export interface BackupSource {
  /** The 64 bytes of the device key. */
  deviceKey: Uint8Array
  store: Pick<SqliteStore, 'listGroups' | 'countEntries' | 'listEntries'>
  tables: DaemonTables
  /** Stops between two pages (the daemon stopping, the client gone). */
  signal?: AbortSignal
}

export function backupRecords(source: BackupSource): AsyncGenerator<Uint8Array> {
  const { tables } = source
  const settings: BackupSettings = {
    settings: tables.settings.all(),
    blocked: tables.blockList.list(),
    verified: tables.verifiedMembers.list(),
    knownPeers: tables.knownPeers.all()
  }
  return deviceRecords({
    deviceKey: source.deviceKey,
    store: source.store,
    settings,
    ...(source.signal === undefined ? {} : { signal: source.signal })
  })
}

/**
 * The records of a data directory whose daemon is not running: its store is
 * opened here, and so locked against a daemon starting, until the last record.
 */
export async function* stoppedDirectoryRecords(home: string, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const deviceKey = await readDeviceKey(home)
  let store: SqliteStore
  try {
    store = await SqliteStore.open(join(home, DATABASE_FILE))
  } catch (err) {
    if ((err as Error).name !== 'DataDirLockedError') throw err
    throw new DaemonAlreadyRunningError(
      `a Causette daemon is starting with ${home}; wait until \`causette status${homeFlag(home)}\` answers, then back up again (through the daemon)`,
      { cause: err }
    )
  }
  try {
    yield* backupRecords({ deviceKey, store, tables: store.tables, ...(signal === undefined ? {} : { signal }) })
  } finally {
    await store.close()
  }
}

/** The device key of a data directory, checked: NothingToBackUpError where there is none. */
export async function readDeviceKey(home: string): Promise<Uint8Array> {
  let bytes: Uint8Array
  try {
    bytes = await readFile(join(home, DEVICE_KEY_FILE))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    throw new NothingToBackUpError(
      `${home} holds no Causette device (no ${DEVICE_KEY_FILE}), so there is nothing to back up; name the data directory with --home, or start Causette once to make a device`
    )
  }
  // a damaged key is refused here rather than carried into a backup that would never restore
  deviceKeyFromBytes(bytes)
  return bytes
}
