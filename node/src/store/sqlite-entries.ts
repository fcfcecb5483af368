/**
 * The log's half of the SQLite store (sqlite-store.ts has the view, the
 * word search, group records and the daemon's tables): the file's
 * connection and its commits, entries, their facts, and what an opening log
 * reads. The file itself — its lock, pragmas and creation — is
 * sqlite-file.ts; how writes commit, and why others' entries are written
 * behind while this device's own are fsynced, is commits.ts; entry facts,
 * in columns beside each entry, are entry-facts.ts. Reads go through the
 * connection that writes, and so see what was written behind before its
 * commit: the store never reads older than what it acknowledged.
 */
import type { DatabaseSync } from 'node:sqlite'
import {
  type AuthorActivity,
  type EntryFacts,
  type ExpiringEntry,
  type KeyRange,
  type ListEntriesOptions,
  StoreClosedError,
  type StoredEntry,
  type StoredFacts,
  toHex,
  type ViewRow
} from '@causette/core'
import { Commits } from './commits.ts'
import { FactsStatements, factsColumns } from './entry-facts.ts'
import { MessageWords } from './message-words.ts'
import { OpeningReads } from './opening-reads.ts'
import { SqliteView } from './sqlite-view.ts'
import { prepareStatements, type Statements } from './store-statements.ts'

/** Sorts before every key: BLOBs compare as memcmp, then shorter first. */
const BEFORE_ALL_KEYS = new Uint8Array(0)
/** SQLite's "no limit". */
const NO_LIMIT = -1

export abstract class SqliteEntries {
  /** The database file. */
  readonly path: string
  protected readonly db: DatabaseSync
  protected readonly statements: Statements
  protected readonly view: SqliteView
  protected readonly words: MessageWords
  private readonly facts: FactsStatements
  private readonly opening: OpeningReads
  protected readonly commits: Commits
  private closed = false
  protected durableAuthor?: Uint8Array

  protected constructor(path: string, db: DatabaseSync) {
    this.path = path
    this.db = db
    this.statements = prepareStatements(db)
    this.view = new SqliteView(db)
    this.words = new MessageWords(db, (work) => this.write(false, work))
    this.facts = new FactsStatements(db)
    this.opening = new OpeningReads(db)
    this.commits = new Commits(db)
  }

  /**
   * Names this device's key: from now on only writes holding an entry of
   * this author commit (and fsync) at once; other authors' entries wait for
   * the window of commits.ts (which says why that is safe).
   */
  setDurableAuthor(author: Uint8Array): void {
    this.durableAuthor = author
  }

  /** The view's half stores rows alone (sqlite-store.ts). */
  abstract putViewRows(group: Uint8Array, rows: ViewRow[]): Promise<void>

  async putEntries(group: Uint8Array, entries: StoredEntry[], view?: ViewRow[]): Promise<void> {
    this.assertOpen()
    if (entries.length === 0) {
      if (view !== undefined) await this.putViewRows(group, view)
      return
    }
    const own = this.durableAuthor
    // others' entries are written behind, many batches to a commit (commits.ts)
    const durable = own === undefined || entries.some((e) => Buffer.compare(e.author, own) === 0)
    this.write(durable, () => {
      this.insert(group, entries)
      if (view !== undefined && view.length > 0) this.view.put(group, view)
    })
    this.words.written(searchable(view))
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
      if (e.expires !== undefined) s.setExpiry.run(e.expires, group, e.id)
      added.push(e)
      for (const parent of e.parents) parents.set(toHex(parent), parent)
      const author = toHex(e.author)
      let highest = seqs.get(author)
      if (highest === undefined) {
        highest = { author: e.author, seq: (s.authorSeq.get(group, e.author) as { seq: number } | undefined)?.seq ?? -1 }
        seqs.set(author, highest)
      }
      // a seq already held under another id: an equivocation, noted for opening (an author's next entry costs nothing)
      if (e.seq <= highest.seq) s.noteEquivocated.run(group, e.author, e.seq)
      else highest.seq = e.seq
    }
    const addedIds = added.map((e) => toHex(e.id))
    const inBatch = new Set(addedIds)
    // a parent stored in this batch was never a head: in a sync's batch, nearly every parent
    for (const [hex, parent] of parents) if (!inBatch.has(hex)) s.deleteHead.run(group, parent)
    added.forEach((e, i) => {
      if (!parents.has(addedIds[i] as string)) s.insertHead.run(group, e.id)
    })
    for (const { author, seq } of seqs.values()) if (seq >= 0) s.raiseAuthorSeq.run(group, author, seq)
    if (added.length > 0) s.addCount.run(group, added.length)
  }

  async expiringEntries(group: Uint8Array, options: { until: number; limit: number }): Promise<ExpiringEntry[]> {
    return this.read(() => {
      const rows = this.statements.expiring.all(group, options.until, options.limit) as unknown as ExpiringEntry[]
      return rows.map((r) => ({ id: r.id, key: r.key, bytes: r.bytes, expires: r.expires }))
    })
  }

  /**
   * Erases bodies in one fsynced transaction: each entry's encoding is
   * replaced, its message's words leave the index (for good: FTS5's
   * secure-delete) and its rows go; secure_delete zeroes what they held
   * in the file's pages, and a checkpoint then empties the WAL of the
   * pages that still held it.
   */
  async eraseEntries(group: Uint8Array, erased: Array<{ id: Uint8Array; bytes: Uint8Array }>): Promise<void> {
    this.assertOpen()
    if (erased.length === 0) return
    this.write(true, () => {
      for (const { id, bytes } of erased) {
        const row = this.statements.eraseEntry.get(bytes, group, id) as { key: Uint8Array } | undefined
        if (row === undefined) continue
        const entry = { id, key: row.key }
        this.words.forgetEntry(group, entry)
        this.view.erase(group, entry)
      }
      this.words.afterDelete()
    })
    this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
  }

  async getEntries(group: Uint8Array, ids: Uint8Array[]): Promise<Array<Uint8Array | undefined>> {
    return this.read(() => ids.map((id) => (this.statements.getEntry.get(group, id) as { bytes: Uint8Array } | undefined)?.bytes))
  }

  async listEntries(group: Uint8Array, options: ListEntriesOptions = {}): Promise<Array<{ key: Uint8Array; bytes: Uint8Array }>> {
    this.assertOpen()
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
    const rows = this.statements.authorSeqs.all(group) as Array<{ author: Uint8Array; seq: number }>
    return new Map(rows.map((row) => [toHex(row.author), row.seq]))
  }

  async countEntries(group: Uint8Array): Promise<number> {
    return this.read(() => (this.statements.countEntries.get(group) as { n: number } | undefined)?.n ?? 0)
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

  /** Releases the file (and the lock on it); later calls reject with StoreClosedError. */
  async close(): Promise<void> {
    if (this.closed) return
    this.words.stop()
    this.commits.stop()
    this.closed = true
    this.db.close()
  }

  /** Gives back the page cache's memory (what a burst of reads and writes filled it to); the cache fills again as pages are read. */
  shrink(): void {
    if (this.closed) return
    this.db.exec('PRAGMA shrink_memory')
  }

  /** Reads through the connection that writes, so what was written behind and not yet committed is read too. */
  protected async read<T>(work: () => T): Promise<T> {
    this.assertOpen()
    return work()
  }

  protected assertOpen(): void {
    if (this.closed) throw new StoreClosedError()
  }

  /**
   * Runs `work` as one write transaction, after what was written behind:
   * all of it is committed, or none; fsynced before this returns if
   * `durable` (commits.ts).
   */
  protected write(durable: boolean, work: () => void): void {
    this.assertOpen()
    this.commits.write(durable, work)
  }
}

/** How many of these rows the word index takes: messages and edits. */
export function searchable(rows: readonly ViewRow[] | undefined): number {
  let n = 0
  for (const row of rows ?? []) if (row.kind === 'message' || row.kind === 'edit') n++
  return n
}
