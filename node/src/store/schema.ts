/**
 * The SQLite store's tables and their migrations. The file's `user_version`
 * is the number of migrations applied; a later issue adds a table by
 * appending a migration here, never by editing one that has shipped.
 */
import type { DatabaseSync } from 'node:sqlite'
import { NotAStoreError, StoreTooNewError } from '../errors.ts'
import { APPLICATION_ID, MIGRATION_1, MIGRATION_6, MIGRATION_9, MIGRATION_11, MIGRATION_17 } from './log-migrations.ts'
import {
  MIGRATION_2,
  MIGRATION_4,
  MIGRATION_5,
  MIGRATION_7,
  MIGRATION_8,
  MIGRATION_10,
  MIGRATION_12,
  MIGRATION_13,
  MIGRATION_14,
  MIGRATION_15,
  MIGRATION_16,
  MIGRATION_18,
  MIGRATION_19
} from './view-migrations.ts'

/** In order (log-migrations.ts, view-migrations.ts, and the device's own tables here); exported for tests that build a file of an older version. */
export const MIGRATIONS: readonly string[] = [
  MIGRATION_1,
  MIGRATION_2,
  // 3: this device's own judgements of other devices, by device key (hex):
  // those whose safety number the person compared out of band, with the
  // fingerprint read then (a verification holds only while it is still the
  // fingerprint of that key), and those blocked. Names are kept as they
  // were then, so the lists read well even for a device in no open group.
  `
  CREATE TABLE verified_members (
    key TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    name TEXT,
    verified_at INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE blocked_members (
    key TEXT PRIMARY KEY,
    name TEXT,
    blocked_at INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
  `,
  MIGRATION_4,
  MIGRATION_5,
  MIGRATION_6,
  MIGRATION_7,
  MIGRATION_8,
  MIGRATION_9,
  MIGRATION_10,
  MIGRATION_11,
  MIGRATION_12,
  MIGRATION_13,
  MIGRATION_14,
  MIGRATION_15,
  MIGRATION_16,
  MIGRATION_17,
  MIGRATION_18,
  MIGRATION_19
]

/** Migrations that copy the entries or message tables whole: on a large store, a first start after an upgrade takes a while. */
const COPYING = new Set([16, 17])

/** An existing store about to be brought up to date: `copying` when a migration copies its tables (time grows with the history). */
export interface StoreUpgrade {
  from: number
  to: number
  copying: boolean
}

/** Brings the database at `path` to the latest schema, one transaction per migration; `upgrading` is told first, for a store made by an earlier version. */
export function migrate(db: DatabaseSync, path: string, upgrading?: (upgrade: StoreUpgrade) => void): void {
  assertCausetteFile(db, path)
  const found = pragmaNumber(db, 'user_version')
  if (found > MIGRATIONS.length) throw new StoreTooNewError(path, found, MIGRATIONS.length)
  if (found > 0 && found < MIGRATIONS.length) {
    const copying = [...COPYING].some((v) => v > found)
    upgrading?.({ from: found, to: MIGRATIONS.length, copying })
  }
  for (let version = found; version < MIGRATIONS.length; version++) {
    db.exec('BEGIN IMMEDIATE')
    try {
      db.exec(MIGRATIONS[version] as string)
      db.exec(`PRAGMA user_version = ${version + 1}`)
      db.exec('COMMIT')
    } catch (err) {
      if (db.isTransaction) db.exec('ROLLBACK')
      throw err
    }
  }
}

function assertCausetteFile(db: DatabaseSync, path: string): void {
  if (pragmaNumber(db, 'application_id') === APPLICATION_ID) return
  const tables = db.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }
  if (tables.n > 0) throw new NotAStoreError(path)
}

function pragmaNumber(db: DatabaseSync, name: 'user_version' | 'application_id'): number {
  const row = db.prepare(`PRAGMA ${name}`).get() as Record<string, number>
  return row[name] as number
}
