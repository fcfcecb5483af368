/**
 * The daemon's SQLite file: made owner-only (it holds group secrets; SQLite
 * gives the WAL file the same permissions), opened under the daemon's lock
 * with the pragmas below, and migrated to the latest schema. The store on
 * top of it is sqlite-store.ts.
 *
 * Pragmas, and why:
 * - locking_mode = EXCLUSIVE: the connection takes SQLite's exclusive lock on
 *   the file (a POSIX fcntl lock) when it opens and keeps it until close.
 *   That is the daemon's lock: a second process (or a second store in this
 *   one) opening the file gets SQLITE_BUSY, reported as DataDirLockedError,
 *   and the OS drops the lock when the holder dies, so a kill -9 never leaves
 *   a stale lock behind (a pid file would need liveness checks and could be
 *   fooled by pid reuse). With the lock held for good, WAL keeps its index in
 *   memory: there is no -shm file.
 * - journal_mode = WAL: a commit appends to one file instead of writing a
 *   rollback journal and the database, and survives a crash at any point.
 * - synchronous = FULL: every commit fsyncs the WAL before putEntries
 *   resolves, so an acknowledged entry survives power loss too, not only a
 *   process crash (NORMAL is enough for kill -9). It is affordable: on the CI
 *   machine (2 cores, ext4 on a virtual disk) batches of 1 sustain ~6,000
 *   entries/s with FULL against ~20,000 with NORMAL, more than a person or a
 *   signing writer (~9,000/s) produces; batches of 1,000, as sync delivers
 *   them, ~42,000/s with either, above the ~20,000/s the log accepts.
 *   Except for entries of other authors once the daemon has named its
 *   device key, whose windows commit at synchronous = NORMAL (no fsync;
 *   the next durable commit or checkpoint fsyncs them): commits.ts
 *   switches the setting between transactions.
 * - secure_delete = ON: what a row held is zeroed when it is deleted or
 *   rewritten, so the body of a disappearing message, once erased, is not
 *   left in a free page of the file (the erasure then checkpoints the WAL:
 *   SqliteEntries.eraseEntries).
 * - foreign_keys on: enforced for any table that declares one (heads named
 *   their entries until migration 17 gave entries a cheaper key).
 * - busy_timeout: no other connection ever shares the file, so this only
 *   bounds how long an opener waits for a daemon that is shutting down
 *   before reporting the file as in use.
 * - page_size = 8 KiB for a new file, against SQLite's 4 KiB: an entry's row
 *   (~800 bytes with its columns) and its view row took each insert twice
 *   the time in 4 KiB pages (a table of 475-byte rows on this machine:
 *   ~1.8–3.2 µs a row against ~1.3–1.4 µs at 8 KiB, 1.0–1.9 at 16 KiB), and
 *   the log benchmark's SQLite phase went from ~14,900 to ~17,900 entries/s
 *   on average (alternated runs, 2026-12-06). Not larger: a commit writes
 *   whole pages, and the daemon's own messages commit a few at a time. A
 *   file made before keeps its 4 KiB pages (in WAL mode the size is fixed).
 * - wal_autocheckpoint = ~160 MB of pages, journal_size_limit = 32 MiB:
 *   at SQLite's default of 1,000 pages a burst of gossip into a large group
 *   checkpointed (and fsynced) every few hundred messages, a third of the
 *   cost of taking each in past ~50,000 (~55 µs a message against ~41,
 *   measured at 100,000). The automatic checkpoint is now only a cap: the
 *   store checkpoints once its writes pause (wal-upkeep.ts), not inside
 *   the commit of a burst. After a checkpoint the file is cut back, so a
 *   burst leaves no larger file behind.
 * - cache_size = 32 MiB (SQLite's default is 2 MiB): in a group of
 *   1,000,000 entries the indexes of ids take each batch's rows at random
 *   places, and with 2 MiB of cache nearly every one of them read its page
 *   again from the file (~105 ms of a 10,000-entry catch-up, perf). The
 *   cache grows only as pages are read, and what a burst grew it to is
 *   given back with the rest of a burst's memory (SqliteEntries.shrink,
 *   daemon/heap-release.ts).
 */
import { open as openFile } from 'node:fs/promises'
import { DatabaseSync } from 'node:sqlite'
import { DataDirLockedError, NotAStoreError } from '../errors.ts'
import { migrate, type StoreUpgrade } from './schema.ts'

const BUSY_TIMEOUT_MS = 1000
/** The pages of a new file (SQLite's default is 4 KiB). */
export const PAGE_BYTES = 8192
/** WAL bytes after which a commit checkpoints them into the database whatever is going on (SQLite's default is 1,000 pages). */
const WAL_CHECKPOINT_BYTES = 160 * 1000 * 1000
/** The page cache, in KiB (negative in the pragma: a size, not a count of pages). */
const CACHE_KIB = 32 * 1024
/** What a checkpointed WAL file is cut back to. */
const WAL_SIZE_LIMIT_BYTES = 32 * 1024 * 1024
const SQLITE_BUSY = 5
const SQLITE_NOTADB = 26

/**
 * Opens the database at `path`, creating it (and its tables) if needed; the
 * directory must exist. Rejects with DataDirLockedError while another
 * process has it open, NotAStoreError for a file that is not a Causette
 * database, StoreTooNewError for one written by a newer version.
 */
export async function openDatabase(path: string, upgrading?: (upgrade: StoreUpgrade) => void): Promise<DatabaseSync> {
  await createPrivately(path)
  const db = new DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS, enableForeignKeyConstraints: true })
  try {
    // must come before the first read, which takes the lock
    db.exec('PRAGMA locking_mode = EXCLUSIVE')
    // a new file's pages; an existing file keeps its own (in WAL mode they cannot change)
    db.exec(`PRAGMA page_size = ${PAGE_BYTES}`)
    db.exec('PRAGMA journal_mode = WAL')
    db.exec('PRAGMA synchronous = FULL')
    db.exec('PRAGMA secure_delete = ON')
    const pageBytes = (db.prepare('PRAGMA page_size').get() as { page_size: number }).page_size
    db.exec(`PRAGMA wal_autocheckpoint = ${Math.round(WAL_CHECKPOINT_BYTES / pageBytes)}`)
    db.exec(`PRAGMA journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`)
    db.exec(`PRAGMA cache_size = -${CACHE_KIB}`)
    migrate(db, path, upgrading)
    // a write transaction takes the exclusive lock even when there was
    // nothing to migrate; locking_mode = EXCLUSIVE keeps it until close
    db.exec('BEGIN IMMEDIATE; COMMIT')
  } catch (err) {
    db.close()
    throw openError(err, path)
  }
  return db
}

/**
 * Creates the database file, owner-only, if it does not exist. An existing
 * file is never opened here: closing any descriptor of a file drops every
 * POSIX lock this process holds on it, including the one a store of this
 * process may hold.
 */
async function createPrivately(path: string): Promise<void> {
  try {
    await (await openFile(path, 'wx', 0o600)).close()
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
}

/** Names the SQLite failures a person can hit when opening a data directory. */
function openError(err: unknown, path: string): unknown {
  // extended result codes carry the primary code in their low byte
  const code = (err as { errcode?: unknown }).errcode
  if (typeof code !== 'number') return err
  if ((code & 0xff) === SQLITE_BUSY) return new DataDirLockedError(path, { cause: err })
  if ((code & 0xff) === SQLITE_NOTADB) return new NotAStoreError(path, { cause: err })
  return err
}
