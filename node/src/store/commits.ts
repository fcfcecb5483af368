/**
 * How the SQLite store's writes commit: each write is a savepoint (all of
 * it or none) inside one open transaction, and that transaction commits
 * when a write must be durable, or WRITE_BEHIND_MS after it began.
 *
 * Why a window. Gossip brings others' entries a few at a time, and a
 * sync session a frame of ~1,000 at a time. Committed one by one, each
 * commit writes again every page it touched: in a large group the id
 * indexes take their keys at random places, so a commit of a few entries
 * writes a few whole pages each. In a window, a page written by many
 * batches is written to the WAL once, and no read has to commit first.
 *
 * What it risks. The connection stays at synchronous = FULL: a commit
 * is fsynced, and so is everything committed before it. Writes that need
 * not be durable at once (others' entries with their view rows, the facts
 * and word index derived from entries, the peers met) wait for the window:
 * a crash of the process or the machine may lose the last window of them,
 * whole batches only, never one without those before it. Sync fetches
 * those entries again from any member, and the derived rows are derived
 * again. What this device writes itself (its own entries, carrying every
 * entry before them: a published own entry lost to a crash would come
 * back with the same seq and different content, an equivocation), and
 * what a person set (settings, blocks, verifications, groups), commit at
 * once, with the window before them. Reads go through the same connection,
 * so they see the open transaction: the store never reads older than what
 * it acknowledged, and a read never forces a commit.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite'
import { WalUpkeep } from './wal-upkeep.ts'

/** How long writes that need not be durable at once wait for their commit. */
export const WRITE_BEHIND_MS = 500

/** Runs `work` as one write: durable ones are fsynced before this returns (commits.ts). */
export type Write = (durable: boolean, work: () => void) => void

export class Commits {
  private readonly db: DatabaseSync
  private readonly begin: StatementSync
  private readonly commit: StatementSync
  private readonly rollback: StatementSync
  private readonly savepoint: StatementSync
  private readonly release: StatementSync
  private readonly rollbackTo: StatementSync
  /** Checkpoints the WAL once the commits pause (wal-upkeep.ts). */
  private readonly upkeep: WalUpkeep
  /** The commit of the open transaction, WRITE_BEHIND_MS after it began. */
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(db: DatabaseSync) {
    this.db = db
    this.begin = db.prepare('BEGIN IMMEDIATE')
    this.commit = db.prepare('COMMIT')
    this.rollback = db.prepare('ROLLBACK')
    this.savepoint = db.prepare('SAVEPOINT write')
    this.release = db.prepare('RELEASE write')
    this.rollbackTo = db.prepare('ROLLBACK TO write')
    this.upkeep = new WalUpkeep(db)
  }

  /**
   * Runs `work` as one write: all of it is kept, or none. If `durable`,
   * it is committed (and fsynced) before this returns, with every write
   * before it; else it commits with the window (at most WRITE_BEHIND_MS
   * from now), and reads see it at once.
   */
  write(durable: boolean, work: () => void): void {
    if (!this.db.isTransaction) this.open()
    this.savepoint.run()
    try {
      work()
      this.release.run()
    } catch (err) {
      // an error that rolled the whole transaction back (a full disk) leaves no savepoint to go back to
      if (this.db.isTransaction) {
        this.rollbackTo.run()
        this.release.run()
      }
      throw err
    }
    if (durable) this.settle()
  }

  /** Commits the open transaction now, if there is one. */
  settle(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    if (!this.db.isTransaction) return
    try {
      this.commit.run()
    } catch (err) {
      // a failed COMMIT may already have rolled back
      if (this.db.isTransaction) this.rollback.run()
      throw err
    }
    this.upkeep.committed()
  }

  /** Commits what is open if it can, then writes nothing more: the connection is closing. */
  stop(): void {
    try {
      this.settle()
    } catch (err) {
      // others' entries and what is derived: sync fetches them again, and they are derived again
      process.stderr.write(`causette: could not store the last writes before closing: ${(err as Error).message}\n`)
    }
    this.upkeep.stop()
  }

  private open(): void {
    this.begin.run()
    this.timer = setTimeout(() => {
      this.timer = undefined
      try {
        this.settle()
      } catch (err) {
        // nothing waits on these any more: they are lost to this store, and sync fetches them again
        process.stderr.write(`causette: could not store the entries received in the last ${WRITE_BEHIND_MS} ms: ${(err as Error).message}\n`)
      }
    }, WRITE_BEHIND_MS)
    // a store left open by a process that ends loses only this window: what a crash may lose too
    this.timer.unref()
  }
}
