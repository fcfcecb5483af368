/**
 * The Store engine of the Node daemon: one SQLite file through node:sqlite,
 * held by one process at a time.
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
 *   device key: see "Write-behind" below.
 * - foreign_keys on: heads may only name stored entries.
 * - busy_timeout: no other connection ever shares the file, so this only
 *   bounds how long an opener waits for a daemon that is shutting down
 *   before reporting the file as in use.
 *
 * Write-behind of others' entries. Once the daemon names its device key
 * (setDurableAuthor), putEntries of entries by other authors resolves at
 * once and their rows are committed on the next turn of the event loop,
 * together with every other batch accepted meanwhile, at synchronous =
 * NORMAL (no fsync); any read, any other write and close() commit them
 * first, so the store never reads older than what it acknowledged. Gossip
 * delivers entries one at a time, and one fsync'd commit each (0.3 to 3 ms
 * on the shared CI disk) capped ingest far below 5,000 entries/s. What this
 * risks: entries of others that a crash catches before their commit, which
 * sync fetches again from any member. This device's own entries are never
 * written behind: their commit is FULL, and carries every entry before it
 * (a published own entry lost to a crash would come back with the same seq
 * and different content: an equivocation). The daemon's derived tables
 * (message index) commit with write(false) the same way. The connection
 * switches synchronous level only when a commit needs the other one.
 *
 * Files are created readable by their owner only: they hold group secrets.
 * SQLite gives the WAL file the database file's permissions.
 */
import { open as openFile } from 'node:fs/promises'
import { DatabaseSync, type StatementSync } from 'node:sqlite'
import { type GroupRecord, type ListEntriesOptions, type Store, StoreClosedError, type StoredEntry, toHex } from '@causette/core'
import { DataDirLockedError, NotAStoreError } from '../errors.ts'
import { migrate } from './schema.ts'

const BUSY_TIMEOUT_MS = 1000
/** WAL pages (4 KiB each) after which a commit checkpoints them into the database (SQLite's default is 1,000). */
const WAL_CHECKPOINT_PAGES = 10_000
/** What a checkpointed WAL file is cut back to. */
const WAL_SIZE_LIMIT_BYTES = 32 * 1024 * 1024
const SQLITE_BUSY = 5
const SQLITE_NOTADB = 26
/** Sorts before every key: BLOBs compare as memcmp, then shorter first. */
const BEFORE_ALL_KEYS = new Uint8Array(0)
/** SQLite's "no limit". */
const NO_LIMIT = -1

interface Statements {
  begin: StatementSync
  commit: StatementSync
  rollback: StatementSync
  insertEntry: StatementSync
  deleteHead: StatementSync
  insertHead: StatementSync
  raiseAuthorSeq: StatementSync
  getEntry: StatementSync
  listEntries: StatementSync
  heads: StatementSync
  authorSeqs: StatementSync
  countEntries: StatementSync
  putGroup: StatementSync
  getGroup: StatementSync
  listGroups: StatementSync
  deleteHeads: StatementSync
  deleteAuthorSeqs: StatementSync
  deleteEntries: StatementSync
  deleteMessages: StatementSync
  deleteIndexState: StatementSync
  deleteGroup: StatementSync
  synchronousFull: StatementSync
  synchronousNormal: StatementSync
}

interface GroupRow {
  id: Uint8Array
  secret: Uint8Array
  name: string
  added_at: number
}

export class SqliteStore implements Store {
  /** The database file. */
  readonly path: string
  private readonly db: DatabaseSync
  private readonly statements: Statements
  private closed = false
  private durableAuthor?: Uint8Array
  /** The connection's level, switched only when a commit needs the other one. */
  private synchronous: 'FULL' | 'NORMAL' = 'FULL'
  /** Others' entries accepted but not yet committed (written behind). */
  private behind: Array<{ group: Uint8Array; entries: StoredEntry[] }> = []
  private behindScheduled = false

  /**
   * Opens the store in the file at `path`, creating it (and its tables) if
   * needed; the directory must exist. Rejects with DataDirLockedError while
   * another process has it open, NotAStoreError for a file that is not a
   * Causette database, StoreTooNewError for one written by a newer version.
   */
  static async open(path: string): Promise<SqliteStore> {
    await createPrivately(path)
    const db = new DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS, enableForeignKeyConstraints: true })
    try {
      // must come before the first read, which takes the lock
      db.exec('PRAGMA locking_mode = EXCLUSIVE')
      db.exec('PRAGMA journal_mode = WAL')
      db.exec('PRAGMA synchronous = FULL')
      // checkpoint the log into the database every ~40 MB of it rather than every 4 MB: a burst of
      // gossip into a large group checkpointed (and fsynced) every few hundred messages, a third of
      // the cost of taking each in past ~50,000 (~55 µs a message against ~41, measured at 100,000);
      // the log file is cut back to 32 MiB after a checkpoint, so a burst leaves no larger file behind
      db.exec(`PRAGMA wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`)
      db.exec(`PRAGMA journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`)
      migrate(db, path)
      // a write transaction takes the exclusive lock even when there was
      // nothing to migrate; locking_mode = EXCLUSIVE keeps it until close
      db.exec('BEGIN IMMEDIATE; COMMIT')
    } catch (err) {
      db.close()
      throw openError(err, path)
    }
    return new SqliteStore(path, db)
  }

  private constructor(path: string, db: DatabaseSync) {
    this.path = path
    this.db = db
    this.statements = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
      // ON CONFLICT DO NOTHING rather than INSERT OR IGNORE: only a duplicate
      // id is skipped; any other constraint still fails loudly
      insertEntry: db.prepare(
        'INSERT INTO entries (group_id, id, key, author, seq, bytes) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (group_id, id) DO NOTHING'
      ),
      deleteHead: db.prepare('DELETE FROM heads WHERE group_id = ? AND id = ?'),
      insertHead: db.prepare('INSERT INTO heads (group_id, id) VALUES (?, ?)'),
      raiseAuthorSeq: db.prepare(
        'INSERT INTO author_seqs (group_id, author, seq) VALUES (?, ?, ?) ON CONFLICT (group_id, author) DO UPDATE SET seq = max(seq, excluded.seq)'
      ),
      getEntry: db.prepare('SELECT bytes FROM entries WHERE group_id = ? AND id = ?'),
      listEntries: db.prepare('SELECT key, bytes FROM entries WHERE group_id = ? AND key > ? ORDER BY key LIMIT ?'),
      heads: db.prepare('SELECT id FROM heads WHERE group_id = ? ORDER BY id'),
      authorSeqs: db.prepare('SELECT author, seq FROM author_seqs WHERE group_id = ?'),
      countEntries: db.prepare('SELECT count(*) AS n FROM entries WHERE group_id = ?'),
      // an update keeps the group's position and the time it was first added
      putGroup: db.prepare(
        'INSERT INTO groups (id, secret, name, added_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET secret = excluded.secret, name = excluded.name'
      ),
      getGroup: db.prepare('SELECT id, secret, name, added_at FROM groups WHERE id = ?'),
      listGroups: db.prepare('SELECT id, secret, name, added_at FROM groups ORDER BY position'),
      deleteHeads: db.prepare('DELETE FROM heads WHERE group_id = ?'),
      deleteAuthorSeqs: db.prepare('DELETE FROM author_seqs WHERE group_id = ?'),
      deleteEntries: db.prepare('DELETE FROM entries WHERE group_id = ?'),
      deleteMessages: db.prepare('DELETE FROM messages WHERE group_id = ?'),
      deleteIndexState: db.prepare('DELETE FROM message_index_state WHERE group_id = ?'),
      deleteGroup: db.prepare('DELETE FROM groups WHERE id = ?'),
      synchronousFull: db.prepare('PRAGMA synchronous = FULL'),
      synchronousNormal: db.prepare('PRAGMA synchronous = NORMAL')
    }
  }

  /**
   * Names this device's key: from now on only commits holding an entry of
   * this author wait for an fsync; other authors' entries are committed at
   * synchronous = NORMAL (see the header for why that is safe).
   */
  setDurableAuthor(author: Uint8Array): void {
    this.durableAuthor = author
  }

  async putEntries(group: Uint8Array, entries: StoredEntry[]): Promise<void> {
    this.assertOpen()
    if (entries.length === 0) return
    const own = this.durableAuthor
    if (own !== undefined && !entries.some((e) => Buffer.compare(e.author, own) === 0)) {
      // others' entries are written behind, many batches to a commit (see the header)
      this.behind.push({ group, entries })
      this.scheduleBehind()
      return
    }
    this.write(true, () => this.insert(group, entries))
  }

  /**
   * Inserts a batch, with the heads and authors' seqs it changes worked out
   * for the whole batch: an entry with a child in the same batch is never
   * written as a head, and each author's seq is raised once (one statement
   * per entry instead of three, for a batch of gossip).
   */
  private insert(group: Uint8Array, entries: StoredEntry[]): void {
    const s = this.statements
    const added: StoredEntry[] = []
    const parents = new Map<string, Uint8Array>()
    const seqs = new Map<string, { author: Uint8Array; seq: number }>()
    for (const e of entries) {
      const inserted = s.insertEntry.run(group, e.id, e.key, e.author, e.seq, e.bytes)
      // already held: its parents stopped being heads when it was first stored
      if (Number(inserted.changes) === 0) continue
      added.push(e)
      for (const parent of e.parents) parents.set(toHex(parent), parent)
      const author = toHex(e.author)
      const highest = seqs.get(author)
      if (highest === undefined || highest.seq < e.seq) seqs.set(author, { author: e.author, seq: e.seq })
    }
    for (const parent of parents.values()) s.deleteHead.run(group, parent)
    for (const e of added) if (!parents.has(toHex(e.id))) s.insertHead.run(group, e.id)
    for (const { author, seq } of seqs.values()) s.raiseAuthorSeq.run(group, author, seq)
  }

  private scheduleBehind(): void {
    if (this.behindScheduled) return
    this.behindScheduled = true
    setImmediate(() => {
      this.behindScheduled = false
      if (this.closed || this.behind.length === 0) return
      try {
        this.write(false, () => {})
      } catch (err) {
        // nothing waits on these any more: they are lost to this store, and sync fetches them again
        process.stderr.write(`causette: could not store ${this.behind.length} batches of received entries: ${(err as Error).message}\n`)
      }
    })
  }

  /** Commits the entries written behind, so that what follows reads them. */
  private settle(): void {
    if (this.behind.length > 0) this.write(false, () => {})
  }

  async getEntries(group: Uint8Array, ids: Uint8Array[]): Promise<Array<Uint8Array | undefined>> {
    this.assertOpen()
    this.settle()
    return ids.map((id) => (this.statements.getEntry.get(group, id) as { bytes: Uint8Array } | undefined)?.bytes)
  }

  async listEntries(group: Uint8Array, options: ListEntriesOptions = {}): Promise<Array<{ key: Uint8Array; bytes: Uint8Array }>> {
    this.assertOpen()
    this.settle()
    const rows = this.statements.listEntries.all(group, options.after ?? BEFORE_ALL_KEYS, options.limit ?? NO_LIMIT) as Array<{
      key: Uint8Array
      bytes: Uint8Array
    }>
    // plain objects: rows come with a null prototype
    return rows.map((row) => ({ key: row.key, bytes: row.bytes }))
  }

  async heads(group: Uint8Array): Promise<Uint8Array[]> {
    this.assertOpen()
    this.settle()
    return (this.statements.heads.all(group) as Array<{ id: Uint8Array }>).map((row) => row.id)
  }

  async authorSeqs(group: Uint8Array): Promise<Map<string, number>> {
    this.assertOpen()
    this.settle()
    const rows = this.statements.authorSeqs.all(group) as Array<{ author: Uint8Array; seq: number }>
    return new Map(rows.map((row) => [toHex(row.author), row.seq]))
  }

  async countEntries(group: Uint8Array): Promise<number> {
    this.assertOpen()
    this.settle()
    return (this.statements.countEntries.get(group) as { n: number }).n
  }

  async putGroup(record: GroupRecord): Promise<void> {
    this.assertOpen()
    this.statements.putGroup.run(record.id, record.secret, record.name, record.addedAt)
  }

  async getGroup(id: Uint8Array): Promise<GroupRecord | undefined> {
    this.assertOpen()
    const row = this.statements.getGroup.get(id) as GroupRow | undefined
    return row === undefined ? undefined : groupRecordOf(row)
  }

  async listGroups(): Promise<GroupRecord[]> {
    this.assertOpen()
    return (this.statements.listGroups.all() as unknown as GroupRow[]).map(groupRecordOf)
  }

  async deleteGroup(id: Uint8Array): Promise<void> {
    this.assertOpen()
    const s = this.statements
    this.write(true, () => {
      // heads first: they reference entries (and entries written behind are in this commit)
      s.deleteHeads.run(id)
      s.deleteAuthorSeqs.run(id)
      s.deleteEntries.run(id)
      s.deleteMessages.run(id)
      s.deleteIndexState.run(id)
      s.deleteGroup.run(id)
    })
  }

  /**
   * Drops a group's record but keeps its entries: what a join that failed
   * leaves behind. The group is not opened at the next start, while its
   * log, still open in the peer until the daemon stops, may go on storing
   * entries; joining it again later finds them.
   */
  async forgetGroupRecord(id: Uint8Array): Promise<void> {
    this.assertOpen()
    this.write(true, () => {
      this.statements.deleteGroup.run(id)
    })
  }

  /**
   * The connection, for the daemon's tables that live in the same file under
   * the same lock (store/message-index.ts, store/settings.ts, store/known-peers.ts).
   */
  get database(): DatabaseSync {
    this.assertOpen()
    return this.db
  }

  /** Releases the file (and the lock on it); later calls reject with StoreClosedError. */
  async close(): Promise<void> {
    if (this.closed) return
    try {
      this.settle()
    } catch {
      // received entries only: sync fetches them again
    }
    this.closed = true
    this.db.close()
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreClosedError()
  }

  /**
   * Runs `work` as one write transaction: all of it is committed, or none;
   * fsynced before this returns if `durable`, else left to the next durable
   * commit (synchronous = NORMAL: safe against a crash of the process, not
   * of the machine). For the daemon's own tables in this file too
   * (store/message-index.ts).
   */
  write(durable: boolean, work: () => void): void {
    this.assertOpen()
    this.setSynchronous(durable ? 'FULL' : 'NORMAL')
    // entries written behind go first, in this commit: a durable one makes them durable too
    const behind = this.behind
    this.behind = []
    this.statements.begin.run()
    try {
      for (const batch of behind) this.insert(batch.group, batch.entries)
      work()
      this.statements.commit.run()
    } catch (err) {
      // a failed COMMIT may already have rolled back
      if (this.db.isTransaction) this.statements.rollback.run()
      throw err
    }
  }

  private setSynchronous(level: 'FULL' | 'NORMAL'): void {
    if (this.synchronous === level) return
    this.statements[level === 'FULL' ? 'synchronousFull' : 'synchronousNormal'].run()
    this.synchronous = level
  }
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

function groupRecordOf(row: GroupRow): GroupRecord {
  return { id: row.id, secret: row.secret, name: row.name, addedAt: row.added_at }
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
