/**
 * How the SQLite store's writes commit: one transaction per write, at the
 * synchronous level it needs, and others' entries written behind.
 *
 * Write-behind of others' entries. Once the daemon names its device key
 * (SqliteStore.setDurableAuthor), putEntries of entries by other authors
 * resolves at once and their rows are committed on the next turn of the
 * event loop, together with every other batch accepted meanwhile, at
 * synchronous = NORMAL (no fsync); any read, any other write and close()
 * commit them first, so the store never reads older than what it
 * acknowledged. Gossip delivers entries one at a time, and one fsync'd
 * commit each (0.3 to 3 ms on the shared CI disk) capped ingest far below
 * 5,000 entries/s. What this risks: entries of others that a crash catches
 * before their commit, which sync fetches again from any member. This
 * device's own entries are never written behind: their commit is FULL, and
 * carries every entry before it (a published own entry lost to a crash
 * would come back with the same seq and different content: an
 * equivocation). What is derived from the entries (facts set by putFacts,
 * the word index of the view) commits with write(false) the same way. The
 * connection switches synchronous level only when a commit needs the other
 * one.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite'
import type { StoredEntry, ViewRow } from '@causette/core'
import { WalUpkeep } from './wal-upkeep.ts'

/** Writes a batch of entries within the current transaction. */
/** Inserts a batch of entries and the view rows they make. */
export type InsertEntries = (group: Uint8Array, entries: StoredEntry[], view?: ViewRow[]) => void

export class Commits {
  private readonly db: DatabaseSync
  private readonly insert: InsertEntries
  private readonly begin: StatementSync
  private readonly commit: StatementSync
  private readonly rollback: StatementSync
  private readonly synchronousFull: StatementSync
  private readonly synchronousNormal: StatementSync
  /** Checkpoints the WAL once the commits pause (wal-upkeep.ts). */
  private readonly upkeep: WalUpkeep
  /** The connection's level, switched only when a commit needs the other one. */
  private synchronous: 'FULL' | 'NORMAL' = 'FULL'
  /** Others' entries (and their view rows) accepted but not yet committed (written behind). */
  private behind: Array<{ group: Uint8Array; entries: StoredEntry[]; view?: ViewRow[] }> = []
  private behindScheduled = false
  private stopped = false

  constructor(db: DatabaseSync, insert: InsertEntries) {
    this.db = db
    this.insert = insert
    this.begin = db.prepare('BEGIN IMMEDIATE')
    this.commit = db.prepare('COMMIT')
    this.rollback = db.prepare('ROLLBACK')
    this.synchronousFull = db.prepare('PRAGMA synchronous = FULL')
    this.synchronousNormal = db.prepare('PRAGMA synchronous = NORMAL')
    this.upkeep = new WalUpkeep(db)
  }

  /** Takes others' entries (and the view rows they make) to commit on the next turn, with every batch accepted meanwhile. */
  writeBehind(group: Uint8Array, entries: StoredEntry[], view?: ViewRow[]): void {
    this.behind.push(view === undefined ? { group, entries } : { group, entries, view })
    if (this.behindScheduled) return
    this.behindScheduled = true
    setImmediate(() => {
      this.behindScheduled = false
      if (this.stopped || this.behind.length === 0) return
      try {
        this.write(false, () => {})
      } catch (err) {
        // nothing waits on these any more: they are lost to this store, and sync fetches them again
        process.stderr.write(`causette: could not store ${this.behind.length} batches of received entries: ${(err as Error).message}\n`)
      }
    })
  }

  /** Commits the entries written behind, so that what follows reads them. */
  settle(): void {
    if (this.behind.length > 0) this.write(false, () => {})
  }

  /**
   * Runs `work` as one write transaction: all of it is committed, or none;
   * fsynced before this returns if `durable`, else left to the next durable
   * commit (synchronous = NORMAL: safe against a crash of the process, not
   * of the machine).
   */
  write(durable: boolean, work: () => void): void {
    this.setSynchronous(durable ? 'FULL' : 'NORMAL')
    // entries written behind go first, in this commit: a durable one makes them durable too
    const behind = this.behind
    this.behind = []
    this.begin.run()
    try {
      for (const batch of behind) this.insert(batch.group, batch.entries, batch.view)
      work()
      this.commit.run()
      this.upkeep.committed()
    } catch (err) {
      // a failed COMMIT may already have rolled back
      if (this.db.isTransaction) this.rollback.run()
      throw err
    }
  }

  /** Commits what was written behind if it can, then writes nothing more: the connection is closing. */
  stop(): void {
    try {
      this.settle()
    } catch {
      // received entries only: sync fetches them again
    }
    this.upkeep.stop()
    this.stopped = true
  }

  private setSynchronous(level: 'FULL' | 'NORMAL'): void {
    if (this.synchronous === level) return
    if (level === 'FULL') this.synchronousFull.run()
    else this.synchronousNormal.run()
    this.synchronous = level
  }
}
