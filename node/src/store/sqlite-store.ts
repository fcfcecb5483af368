/**
 * The Store engine of the Node daemon: one SQLite file through node:sqlite,
 * held by one process at a time.
 *
 * The file itself — its lock, pragmas and creation — is sqlite-file.ts.
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
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite'
import type { HiddenRange, MessageRows, MessageRowsOptions, RegisterRow, ViewRow } from '@causette/core'
import { type GroupRecord, type ListEntriesOptions, type Store, StoreClosedError, type StoredEntry, toHex } from '@causette/core'
import { openDatabase } from './sqlite-file.ts'
import { SqliteView } from './sqlite-view.ts'

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
  private readonly view: SqliteView
  private closed = false
  private durableAuthor?: Uint8Array
  /** The connection's level, switched only when a commit needs the other one. */
  private synchronous: 'FULL' | 'NORMAL' = 'FULL'
  /** Others' entries (and view rows) accepted but not yet committed (written behind). */
  private behind: Array<{ group: Uint8Array; entries: StoredEntry[]; view?: ViewRow[] }> = []
  private behindScheduled = false

  /**
   * Opens the store in the file at `path`, creating it (and its tables) if
   * needed; the directory must exist. Rejects with DataDirLockedError while
   * another process has it open, NotAStoreError for a file that is not a
   * Causette database, StoreTooNewError for one written by a newer version.
   */
  static async open(path: string): Promise<SqliteStore> {
    return new SqliteStore(path, await openDatabase(path))
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
    this.view = new SqliteView(db)
  }

  /**
   * Names this device's key: from now on only commits holding an entry of
   * this author wait for an fsync; other authors' entries are committed at
   * synchronous = NORMAL (see the header for why that is safe).
   */
  setDurableAuthor(author: Uint8Array): void {
    this.durableAuthor = author
  }

  async putEntries(group: Uint8Array, entries: StoredEntry[], view?: ViewRow[]): Promise<void> {
    this.assertOpen()
    if (entries.length === 0) {
      if (view !== undefined) await this.putViewRows(group, view)
      return
    }
    const own = this.durableAuthor
    if (own !== undefined && !entries.some((e) => Buffer.compare(e.author, own) === 0)) {
      // others' entries are written behind, many batches to a commit (see the header)
      this.behind.push(view === undefined ? { group, entries } : { group, entries, view })
      this.scheduleBehind()
      return
    }
    this.write(true, () => {
      this.insert(group, entries)
      if (view !== undefined && view.length > 0) this.view.put(group, view)
    })
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
      this.view.deleteGroup(id)
      s.deleteGroup.run(id)
    })
  }

  // The view as rows (sqlite-view.ts). Rows of others' entries are written
  // behind as their entries are; reads commit what is behind first.

  async putViewRows(group: Uint8Array, rows: ViewRow[]): Promise<void> {
    this.assertOpen()
    if (rows.length === 0) return
    const own = this.durableAuthor === undefined ? undefined : toHex(this.durableAuthor)
    if (own !== undefined && !rows.some((r) => r.author === own)) {
      this.behind.push({ group, entries: [], view: rows })
      this.scheduleBehind()
      return
    }
    this.write(true, () => this.view.put(group, rows))
  }

  async messageRows(group: Uint8Array, options: MessageRowsOptions): Promise<MessageRows> {
    this.assertOpen()
    this.settle()
    return this.view.messages(group, options)
  }

  async messageRow(group: Uint8Array, id: Uint8Array, hidden: readonly HiddenRange[]): Promise<MessageRows> {
    this.assertOpen()
    this.settle()
    return this.view.message(group, id, hidden)
  }

  async registerRows(group: Uint8Array, hidden: readonly HiddenRange[]): Promise<RegisterRow[]> {
    this.assertOpen()
    this.settle()
    return this.view.registers(group, hidden)
  }

  /** Committed at once (with whatever is behind, first), without waiting for an fsync. */
  async setShownTimes(group: Uint8Array, times: Array<{ id: Uint8Array; shownTime: number }>): Promise<void> {
    this.assertOpen()
    if (times.length > 0) this.write(false, () => this.view.setShownTimes(group, times))
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
   * the same lock: this folder's own (daemon-tables.ts, message-index.ts), no one else's.
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
      for (const batch of behind) {
        this.insert(batch.group, batch.entries)
        if (batch.view !== undefined) this.view.put(batch.group, batch.view)
      }
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

function groupRecordOf(row: GroupRow): GroupRecord {
  return { id: row.id, secret: row.secret, name: row.name, addedAt: row.added_at }
}
