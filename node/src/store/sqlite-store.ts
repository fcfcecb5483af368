/**
 * The Store engine of the Node daemon: one SQLite file through node:sqlite,
 * held by one process at a time.
 *
 * The file itself — its lock, pragmas and creation — is sqlite-file.ts;
 * how writes commit, and why others' entries are written behind while this
 * device's own are fsynced, is commits.ts; entry facts, in columns beside
 * each entry, are entry-facts.ts. Every read first commits what was
 * written behind, so the store never reads older than what it acknowledged.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite'
import {
  type EntryFacts,
  type GroupRecord,
  type KeyRange,
  type ListEntriesOptions,
  type Store,
  StoreClosedError,
  type StoredEntry,
  type StoredFacts,
  toHex
} from '@causette/core'
import { Commits } from './commits.ts'
import { FACTS_COLUMNS, FactsStatements, factsColumns } from './entry-facts.ts'
import { openDatabase } from './sqlite-file.ts'

/** Sorts before every key: BLOBs compare as memcmp, then shorter first. */
const BEFORE_ALL_KEYS = new Uint8Array(0)
/** SQLite's "no limit". */
const NO_LIMIT = -1

interface Statements {
  insertEntry: StatementSync
  deleteHead: StatementSync
  insertHead: StatementSync
  raiseAuthorSeq: StatementSync
  getEntry: StatementSync
  listEntries: StatementSync
  heads: StatementSync
  authorSeqs: StatementSync
  countEntries: StatementSync
  hasEntry: StatementSync
  idsAt: StatementSync
  keysFrom: StatementSync
  keysBetween: StatementSync
  putGroup: StatementSync
  getGroup: StatementSync
  listGroups: StatementSync
  deleteHeads: StatementSync
  deleteAuthorSeqs: StatementSync
  deleteEntries: StatementSync
  deleteMessages: StatementSync
  deleteIndexState: StatementSync
  deleteGroup: StatementSync
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
  private readonly facts: FactsStatements
  private readonly commits: Commits
  private closed = false
  private durableAuthor?: Uint8Array

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
      // ON CONFLICT DO NOTHING rather than INSERT OR IGNORE: only a duplicate
      // id is skipped; any other constraint still fails loudly
      insertEntry: db.prepare(
        `INSERT INTO entries (group_id, id, key, author, seq, bytes, ${FACTS_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (group_id, id) DO NOTHING`
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
      hasEntry: db.prepare('SELECT 1 FROM entries WHERE group_id = ? AND id = ?'),
      idsAt: db.prepare('SELECT id FROM entries WHERE group_id = ? AND author = ? AND seq = ?'),
      keysFrom: db.prepare('SELECT key FROM entries WHERE group_id = ? AND key >= ? ORDER BY key LIMIT ?'),
      keysBetween: db.prepare('SELECT key FROM entries WHERE group_id = ? AND key >= ? AND key < ? ORDER BY key LIMIT ?'),
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
      deleteGroup: db.prepare('DELETE FROM groups WHERE id = ?')
    }
    this.facts = new FactsStatements(db)
    this.commits = new Commits(db, (group, entries) => this.insert(group, entries))
  }

  /**
   * Names this device's key: from now on only commits holding an entry of
   * this author wait for an fsync; other authors' entries are committed at
   * synchronous = NORMAL (see commits.ts for why that is safe).
   */
  setDurableAuthor(author: Uint8Array): void {
    this.durableAuthor = author
  }

  async putEntries(group: Uint8Array, entries: StoredEntry[]): Promise<void> {
    this.assertOpen()
    if (entries.length === 0) return
    const own = this.durableAuthor
    if (own !== undefined && !entries.some((e) => Buffer.compare(e.author, own) === 0)) {
      // others' entries are written behind, many batches to a commit (commits.ts)
      this.commits.writeBehind(group, entries)
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
      const inserted = s.insertEntry.run(group, e.id, e.key, e.author, e.seq, e.bytes, ...factsColumns(e.facts, e.parents))
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

  async getEntries(group: Uint8Array, ids: Uint8Array[]): Promise<Array<Uint8Array | undefined>> {
    this.assertOpen()
    this.commits.settle()
    return ids.map((id) => (this.statements.getEntry.get(group, id) as { bytes: Uint8Array } | undefined)?.bytes)
  }

  async listEntries(group: Uint8Array, options: ListEntriesOptions = {}): Promise<Array<{ key: Uint8Array; bytes: Uint8Array }>> {
    this.assertOpen()
    this.commits.settle()
    const rows = this.statements.listEntries.all(group, options.after ?? BEFORE_ALL_KEYS, options.limit ?? NO_LIMIT) as Array<{
      key: Uint8Array
      bytes: Uint8Array
    }>
    // plain objects: rows come with a null prototype
    return rows.map((row) => ({ key: row.key, bytes: row.bytes }))
  }

  async heads(group: Uint8Array): Promise<Uint8Array[]> {
    this.assertOpen()
    this.commits.settle()
    return (this.statements.heads.all(group) as Array<{ id: Uint8Array }>).map((row) => row.id)
  }

  async authorSeqs(group: Uint8Array): Promise<Map<string, number>> {
    this.assertOpen()
    this.commits.settle()
    const rows = this.statements.authorSeqs.all(group) as Array<{ author: Uint8Array; seq: number }>
    return new Map(rows.map((row) => [toHex(row.author), row.seq]))
  }

  async countEntries(group: Uint8Array): Promise<number> {
    this.assertOpen()
    this.commits.settle()
    return (this.statements.countEntries.get(group) as { n: number }).n
  }

  async hasEntries(group: Uint8Array, ids: Uint8Array[]): Promise<boolean[]> {
    this.assertOpen()
    this.commits.settle()
    return ids.map((id) => this.statements.hasEntry.get(group, id) !== undefined)
  }

  async getFacts(group: Uint8Array, ids: Uint8Array[]): Promise<Array<StoredFacts | undefined>> {
    this.assertOpen()
    this.commits.settle()
    return this.facts.get(group, ids)
  }

  async putFacts(group: Uint8Array, facts: Array<EntryFacts & { id: Uint8Array }>): Promise<void> {
    this.assertOpen()
    if (facts.length === 0) return
    // after the entries written behind, in the same commit: facts may name them
    this.write(false, () => this.facts.put(group, facts))
  }

  async lacksFacts(group: Uint8Array): Promise<boolean> {
    this.assertOpen()
    this.commits.settle()
    return this.facts.lacks(group)
  }

  async idsAt(group: Uint8Array, author: Uint8Array, seq: number): Promise<Uint8Array[]> {
    this.assertOpen()
    this.commits.settle()
    return (this.statements.idsAt.all(group, author, seq) as Array<{ id: Uint8Array }>).map((row) => row.id)
  }

  async listKeys(group: Uint8Array, range: KeyRange = {}): Promise<Uint8Array[]> {
    this.assertOpen()
    this.commits.settle()
    const from = range.from ?? BEFORE_ALL_KEYS
    const limit = range.limit ?? NO_LIMIT
    const s = this.statements
    const rows = range.to === undefined ? s.keysFrom.all(group, from, limit) : s.keysBetween.all(group, from, range.to, limit)
    return (rows as Array<{ key: Uint8Array }>).map((row) => row.key)
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
   * the same lock: this folder's own (daemon-tables.ts, message-index.ts), no one else's.
   */
  get database(): DatabaseSync {
    this.assertOpen()
    return this.db
  }

  /** Releases the file (and the lock on it); later calls reject with StoreClosedError. */
  async close(): Promise<void> {
    if (this.closed) return
    this.commits.stop()
    this.closed = true
    this.db.close()
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreClosedError()
  }

  /**
   * Runs `work` as one write transaction, after what was written behind:
   * all of it is committed, or none; fsynced before this returns if
   * `durable` (commits.ts). For the daemon's own tables in this file too
   * (store/message-index.ts).
   */
  write(durable: boolean, work: () => void): void {
    this.assertOpen()
    this.commits.write(durable, work)
  }
}

function groupRecordOf(row: GroupRow): GroupRecord {
  return { id: row.id, secret: row.secret, name: row.name, addedAt: row.added_at }
}
