/**
 * A device's content as backup records (backup-records.ts): the device
 * key, its settings, then each group's record and its entries in the log's
 * order, a page of the store at a time. The daemon (its SQLite store and
 * tables) and a browser tab (IndexedDB and its device database) make the
 * same records from their own parts.
 *
 * Entries written while a backup runs may or may not be in it; a restore
 * keeps only what the log accepts, and sync brings the rest.
 */
import { toHex } from '../codec/hex.ts'
import type { Store } from '../store/store.ts'
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

/** Entries read from the store at a time. */
const PAGE = 500

export interface DeviceContent {
  /** The 64 bytes of the device key. */
  deviceKey: Uint8Array
  store: Pick<Store, 'listGroups' | 'countEntries' | 'listEntries'>
  settings: BackupSettings
  /** Stops between two pages (the daemon stopping, the client gone, the person cancelling). */
  signal?: AbortSignal
  /** Entries written so far, of those the store held when the backup began. */
  onProgress?: (written: number, total: number) => void
}

export async function* backupRecords(content: DeviceContent): AsyncGenerator<Uint8Array> {
  const { store, signal } = content
  const groups = await store.listGroups()
  const counts = await Promise.all(groups.map((g) => store.countEntries(g.id)))
  const about: BackupAbout = { createdAt: Date.now(), groups: groups.length, entries: counts.reduce((a, b) => a + b, 0) }
  yield jsonRecord(RECORD.about, about)
  yield encodeRecord(RECORD.deviceKey, content.deviceKey)
  yield jsonRecord(RECORD.settings, content.settings)
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
      content.onProgress?.(written, Math.max(written, about.entries))
      after = (page[page.length - 1] as { key: Uint8Array }).key
    }
  }
  const end: BackupEnd = { groups: groups.length, entries: written }
  yield jsonRecord(RECORD.end, end)
}
