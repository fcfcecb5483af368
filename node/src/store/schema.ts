/**
 * The SQLite store's tables and their migrations. The file's `user_version`
 * is the number of migrations applied; a later issue adds a table by
 * appending a migration here, never by editing one that has shipped.
 */
import type { DatabaseSync } from 'node:sqlite'
import { NotAStoreError, StoreTooNewError } from '../errors.ts'

/** 'Caus': marks the file as ours, so a stray SQLite file is never migrated into one. */
const APPLICATION_ID = 0x43617573

const MIGRATIONS: readonly string[] = [
  // 1: groups, entries, heads and the highest seq per author.
  // Ids, keys and authors are BLOBs: SQLite compares BLOBs with memcmp, so
  // ORDER BY key is the log's order. STRICT tables refuse a TEXT or number
  // where a BLOB belongs, which would silently sort elsewhere.
  `
  -- position is an alias of the rowid, so it survives VACUUM, and an update
  -- (an upsert on id) keeps a group where it was first added
  CREATE TABLE groups (
    position INTEGER PRIMARY KEY,
    id BLOB NOT NULL UNIQUE,
    secret BLOB NOT NULL,
    name TEXT NOT NULL,
    added_at INTEGER NOT NULL
  ) STRICT;

  -- no foreign key to groups: entries of a group may arrive before its record.
  -- A rowid table: rows are appended in arrival order, while a WITHOUT ROWID
  -- table clustered on hash ids would insert ~300-byte rows at random places.
  CREATE TABLE entries (
    group_id BLOB NOT NULL,
    id BLOB NOT NULL,
    key BLOB NOT NULL,
    author BLOB NOT NULL,
    seq INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    PRIMARY KEY (group_id, id)
  ) STRICT;
  CREATE INDEX entries_in_order ON entries (group_id, key);

  -- kept by putEntries in the same transaction as the entries, so reading
  -- them costs one row per head rather than a scan of the log
  CREATE TABLE heads (
    group_id BLOB NOT NULL,
    id BLOB NOT NULL,
    PRIMARY KEY (group_id, id),
    FOREIGN KEY (group_id, id) REFERENCES entries (group_id, id)
  ) STRICT, WITHOUT ROWID;

  -- likewise: authorSeqs reads one row per author, not every entry
  CREATE TABLE author_seqs (
    group_id BLOB NOT NULL,
    author BLOB NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (group_id, author)
  ) STRICT, WITHOUT ROWID;

  PRAGMA application_id = ${APPLICATION_ID};
  `
]

/** Brings the database at `path` to the latest schema, one transaction per migration. */
export function migrate(db: DatabaseSync, path: string): void {
  assertCausetteFile(db, path)
  const found = pragmaNumber(db, 'user_version')
  if (found > MIGRATIONS.length) throw new StoreTooNewError(path, found, MIGRATIONS.length)
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
