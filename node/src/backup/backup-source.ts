/**
 * A data directory's content as backup records (backup-records.ts): the
 * device key, the daemon's own tables, then each group's record and its
 * entries in the log's order, a page of the store at a time. The same
 * records come from a running daemon (through its store, `GET /v1/backup`)
 * and from a stopped one (the CLI opens the store itself).
 *
 * Entries written while a backup runs may or may not be in it; a restore
 * keeps only what the log accepts (restore.ts), and sync brings the rest.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { deviceKeyFromBytes, toHex } from '@causette/core'
import { DATABASE_FILE, DEVICE_KEY_FILE, homeFlag } from '../data-dir.ts'
import { DaemonAlreadyRunningError } from '../errors.ts'
import type { DaemonTables } from '../store/daemon-tables.ts'
import { SqliteStore } from '../store/sqlite-store.ts'
import {
  type BackupAbout,
  type BackupEnd,
  type BackupGroup,
  type BackupSettings,
  ENTRIES_RECORD_BYTES,
  encodeRecord,
  entriesRecord,
  jsonRecord,
  RECORD
} from './backup-records.ts'
import { NothingToBackUpError } from './errors.ts'

/** Entries read from the store at a time. */
const PAGE = 500

export interface BackupSource {
  /** The 64 bytes of the device key. */
  deviceKey: Uint8Array
  store: Pick<SqliteStore, 'listGroups' | 'countEntries' | 'listEntries'>
  tables: DaemonTables
  /** Stops between two pages (the daemon stopping, the client gone). */
  signal?: AbortSignal
}

export async function* backupRecords(source: BackupSource): AsyncGenerator<Uint8Array> {
  const { store, tables, signal } = source
  const groups = await store.listGroups()
  const counts = await Promise.all(groups.map((g) => store.countEntries(g.id)))
  const about: BackupAbout = { createdAt: Date.now(), groups: groups.length, entries: counts.reduce((a, b) => a + b, 0) }
  yield jsonRecord(RECORD.about, about)
  yield encodeRecord(RECORD.deviceKey, source.deviceKey)
  const settings: BackupSettings = {
    settings: tables.settings.all(),
    blocked: tables.blockList.list(),
    verified: tables.verifiedMembers.list(),
    knownPeers: tables.knownPeers.all()
  }
  yield jsonRecord(RECORD.settings, settings)
  let written = 0
  for (const [i, g] of groups.entries()) {
    const record: BackupGroup = { id: toHex(g.id), secret: toHex(g.secret), name: g.name, addedAt: g.addedAt, entries: counts[i] as number }
    yield jsonRecord(RECORD.group, record)
    let after: Uint8Array | undefined
    for (;;) {
      signal?.throwIfAborted()
      const page = await store.listEntries(g.id, after === undefined ? { limit: PAGE } : { after, limit: PAGE })
      if (page.length === 0) break
      let cut: Uint8Array[] = []
      let bytes = 0
      for (const row of page) {
        cut.push(row.bytes)
        bytes += row.bytes.byteLength
        if (bytes >= ENTRIES_RECORD_BYTES) {
          yield entriesRecord(cut)
          cut = []
          bytes = 0
        }
      }
      if (cut.length > 0) yield entriesRecord(cut)
      written += page.length
      after = (page[page.length - 1] as { key: Uint8Array }).key
    }
  }
  const end: BackupEnd = { groups: groups.length, entries: written }
  yield jsonRecord(RECORD.end, end)
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
