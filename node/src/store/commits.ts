/**
 * How the SQLite store's writes commit: each write is kept whole or not at
 * all, inside one open transaction, and that transaction commits when a
 * write must be durable, or WRITE_BEHIND_MS after it began.
 *
 * Why a window. Gossip brings others' entries a few at a time, and a
 * sync session a frame of ~1,000 at a time. Committed one by one, each
 * commit writes again every page it touched: in a large group the id
 * indexes take their keys at random places, so a commit of a few entries
 * writes a few whole pages each. In a window, a page written by many
 * batches is written to the WAL once, and no read has to commit first.
 *
 * What it risks. Writes that need not be durable at once (others' entries
 * with their view rows, the facts and word index derived from entries, the
 * peers met) wait for the window, and the window commits at synchronous =
 * NORMAL: into the WAL, without an fsync. A crash of the process loses the
 * open window only (what was committed is in the OS's cache); a crash of
 * the machine may lose every window since the last fsync — the last
 * durable commit or checkpoint (wal-upkeep.ts: a second after writes
 * pause, and whenever the WAL reaches its cap) — whole windows only, in
 * order, never one without those before it (the WAL's checksums end the
 * file at the first torn frame). Sync fetches those entries again from any
 * member, and the derived rows are derived again. What this device writes
 * itself (its own entries, carrying every entry before them: a published
 * own entry lost to a crash would come back with the same seq and
 * different content, an equivocation), and what a person set (settings,
 * blocks, verifications, groups), commit at once at synchronous = FULL:
 * fsynced, in a transaction of their own, just after the window before
 * them (whose frames that fsync covers too). Windows were fsynced too until
 * 2026-12-07: taking 100,000 entries in took ~11 % longer with it, the
 * main thread waiting on each window's fsync (alternated runs,
 * docs/decisions.md). Reads go
 * through the same connection, so they see the open transaction: the store
 * never reads older than what it acknowledged, and a read never forces a
 * commit.
 *
 * Whole or not at all, without savepoints. A write that fails part way
 * (a value SQLite refuses, a full disk) rolls the open transaction back,
 * and the writes of the window before it run again, in order, on what the
 * last commit left: the same statements on the same rows, so the same
 * result, as if the failed one had never begun. Their closures are kept
 * until the commit for that (only SQL runs inside a write: nothing else to
 * do twice). If they fail again, the window is lost, as to a crash. Before,
 * each write was a SAVEPOINT, which copies every page it first touches into
 * SQLite's statement journal: in a group of 1,000,000, where the id
 * indexes take their keys at random pages, ~5 % of the daemon's main
 * thread in an ingest, and 50–180 ms of its main thread in a catch-up of
 * 10,000 (test/bench/RESULTS.md, notes of 2026-12-06).
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
  /** Whether commits fsync now: SQLite's synchronous setting (FULL or NORMAL), changed only when it must, between transactions. */
  private fsyncs = true
  /** The writes in the open window, in order: run again if a later one fails part way. */
  private window: Array<() => void> = []
  /** Checkpoints the WAL once the commits pause (wal-upkeep.ts). */
  private readonly upkeep: WalUpkeep
  /** The commit of the open window, WRITE_BEHIND_MS after it began. */
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(db: DatabaseSync) {
    this.db = db
    this.begin = db.prepare('BEGIN IMMEDIATE')
    this.commit = db.prepare('COMMIT')
    this.rollback = db.prepare('ROLLBACK')
    this.upkeep = new WalUpkeep(db)
  }

  /**
   * Runs `work` as one write: all of it is kept, or none. If `durable`,
   * it is committed and fsynced before this returns, and every write
   * before it with it; else it commits with the window (at most
   * WRITE_BEHIND_MS from now), and reads see it at once.
   */
  write(durable: boolean, work: () => void): void {
    // a durable write gets a transaction of its own, begun at FULL (the setting cannot change inside
    // one): the window before it commits first, and this commit's fsync of the WAL covers its frames
    if (durable) this.settle()
    if (!this.db.isTransaction) this.open(durable)
    try {
      work()
    } catch (err) {
      this.takeBack()
      throw err
    }
    if (durable) this.settle()
    else this.window.push(work)
  }

  /** Commits the open transaction now, if there is one: a window without an fsync, a durable write with one. */
  settle(): void {
    this.cancelCommit()
    if (!this.db.isTransaction) return
    this.window = []
    try {
      this.commit.run()
    } catch (err) {
      // a failed COMMIT may already have rolled back
      if (this.db.isTransaction) this.rollback.run()
      throw err
    }
    this.upkeep.committed()
  }

  /**
   * After a write failed part way: rolls the open transaction back and runs
   * the window's writes before it again, so only the failed one is undone.
   */
  private takeBack(): void {
    const before = this.window
    this.window = []
    this.cancelCommit()
    // an error may have rolled the whole transaction back already (a full disk)
    if (this.db.isTransaction) this.rollback.run()
    if (before.length === 0) return
    this.open(false)
    try {
      for (const work of before) work()
      this.window = before
    } catch (err) {
      if (this.db.isTransaction) this.rollback.run()
      this.cancelCommit()
      reportLostWindow(err as Error)
    }
  }

  /** Commits what is open if it can, then writes nothing more: the connection is closing (and its close checkpoints, fsynced). */
  stop(): void {
    try {
      this.settle()
    } catch (err) {
      // others' entries and what is derived: sync fetches them again, and they are derived again
      process.stderr.write(`causette: could not store the last writes before closing: ${(err as Error).message}\n`)
    }
    this.upkeep.stop()
  }

  /** The window's timed commit is not needed any more (committed, or rolled back). */
  private cancelCommit(): void {
    clearTimeout(this.timer)
    this.timer = undefined
  }

  /**
   * Begins a transaction: for a durable write, at synchronous = FULL (its
   * commit fsyncs the WAL); for a window, at NORMAL. SQLite applies
   * `PRAGMA synchronous` when the statement is compiled, and refuses it
   * inside a transaction; a prepared one run again changes nothing (the
   * two prepared at the store's opening, FULL then NORMAL, left every
   * commit at NORMAL and own messages unfsynced: found by
   * test/node/commit-fsyncs.test.ts). So it is compiled afresh, here,
   * between transactions, and only when it changes.
   */
  private open(durable: boolean): void {
    if (durable !== this.fsyncs) {
      this.db.exec(`PRAGMA synchronous = ${durable ? 'FULL' : 'NORMAL'}`)
      this.fsyncs = durable
    }
    this.begin.run()
    if (durable) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      try {
        this.settle()
      } catch (err) {
        reportLostWindow(err as Error)
      }
    }, WRITE_BEHIND_MS)
    // a store left open by a process that ends loses only this window: what a crash may lose too
    this.timer.unref()
  }
}

/** Nothing waits on the window's writes any more: lost to this store, as to a crash; sync fetches the entries again, and what is derived is derived again. */
function reportLostWindow(err: Error): void {
  process.stderr.write(`causette: could not store the entries received in the last ${WRITE_BEHIND_MS} ms: ${err.message}\n`)
}
