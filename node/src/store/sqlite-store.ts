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
import type { DatabaseSync } from 'node:sqlite'
import type { HiddenRange, MessageRows, MessageRowsOptions, RegisterRow, ViewRow } from '@causette/core'
import {
  type AuthorActivity,
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
import { FactsStatements, factsColumns } from './entry-facts.ts'
import { OpeningReads } from './opening-reads.ts'
import { openDatabase } from './sqlite-file.ts'
import { SqliteView } from './sqlite-view.ts'
import { prepareStatements, type Statements } from './store-statements.ts'

/** Sorts before every key: BLOBs compare as memcmp, then shorter first. */
const BEFORE_ALL_KEYS = new Uint8Array(0)
/** SQLite's "no limit". */
const NO_LIMIT = -1

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
  private readonly facts: FactsStatements
  private readonly opening: OpeningReads
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
    this.statements = prepareStatements(db)
    this.view = new SqliteView(db)
    this.facts = new FactsStatements(db)
    this.opening = new OpeningReads(db)
    this.commits = new Commits(db, (group, entries, view) => {
      this.insert(group, entries)
      if (view !== undefined && view.length > 0) this.view.put(group, view)
    })
  }

  /**
   * Names this device's key: from now on only commits holding an entry of
   * this author wait for an fsync; other authors' entries are committed at
   * synchronous = NORMAL (see commits.ts for why that is safe).
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
      // others' entries are written behind, many batches to a commit (commits.ts)
      this.commits.writeBehind(group, entries, view)
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
    return this.read(() => ids.map((id) => (this.statements.getEntry.get(group, id) as { bytes: Uint8Array } | undefined)?.bytes))
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
    return this.read(() => (this.statements.heads.all(group) as Array<{ id: Uint8Array }>).map((row) => row.id))
  }

  async authorSeqs(group: Uint8Array): Promise<Map<string, number>> {
    this.assertOpen()
    this.commits.settle()
    const rows = this.statements.authorSeqs.all(group) as Array<{ author: Uint8Array; seq: number }>
    return new Map(rows.map((row) => [toHex(row.author), row.seq]))
  }

  async countEntries(group: Uint8Array): Promise<number> {
    return this.read(() => (this.statements.countEntries.get(group) as { n: number }).n)
  }

  async hasEntries(group: Uint8Array, ids: Uint8Array[]): Promise<boolean[]> {
    return this.read(() => ids.map((id) => this.statements.hasEntry.get(group, id) !== undefined))
  }

  async getFacts(group: Uint8Array, ids: Uint8Array[]): Promise<Array<StoredFacts | undefined>> {
    return this.read(() => this.facts.get(group, ids))
  }

  async putFacts(group: Uint8Array, facts: Array<EntryFacts & { id: Uint8Array }>): Promise<void> {
    this.assertOpen()
    if (facts.length === 0) return
    // after the entries written behind, in the same commit: facts may name them
    this.write(false, () => this.facts.put(group, facts))
  }

  async lacksFacts(group: Uint8Array): Promise<boolean> {
    return this.read(() => this.facts.lacks(group))
  }

  async idsAt(group: Uint8Array, author: Uint8Array, seq: number): Promise<Uint8Array[]> {
    return this.read(() => (this.statements.idsAt.all(group, author, seq) as Array<{ id: Uint8Array }>).map((row) => row.id))
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

  async listMembership(group: Uint8Array): Promise<Array<{ key: Uint8Array; bytes: Uint8Array }>> {
    return this.read(() => this.opening.listMembership(group))
  }

  async listEpoch(group: Uint8Array, epoch: string, options: ListEntriesOptions): Promise<Array<{ key: Uint8Array; bytes: Uint8Array }>> {
    return this.read(() => this.opening.listEpoch(group, epoch, options))
  }

  async equivocations(group: Uint8Array): Promise<Array<{ author: Uint8Array; seq: number; ids: Uint8Array[] }>> {
    return this.read(() => this.opening.equivocations(group))
  }

  async authorActivity(group: Uint8Array): Promise<Map<string, AuthorActivity>> {
    return this.read(() => this.opening.authorActivity(group))
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
      this.commits.writeBehind(group, [], rows)
      return
    }
    this.write(true, () => this.view.put(group, rows))
  }

  async messageRows(group: Uint8Array, options: MessageRowsOptions): Promise<MessageRows> {
    return this.read(() => this.view.messages(group, options))
  }

  async messageRow(group: Uint8Array, id: Uint8Array, hidden: readonly HiddenRange[]): Promise<MessageRows> {
    return this.read(() => this.view.message(group, id, hidden))
  }

  async registerRows(group: Uint8Array, hidden: readonly HiddenRange[]): Promise<RegisterRow[]> {
    return this.read(() => this.view.registers(group, hidden))
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
    this.commits.stop()
    this.closed = true
    this.db.close()
  }

  /** Reads after committing what was written behind: the store never reads older than what it acknowledged. */
  private async read<T>(work: () => T): Promise<T> {
    this.assertOpen()
    this.commits.settle()
    return work()
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
