/**
 * When the SQLite file's write-ahead log is copied into the database (a
 * checkpoint): once the writes pause, not in the middle of a burst.
 *
 * SQLite checkpoints inside the commit that takes the WAL past
 * `wal_autocheckpoint` pages, on the thread that committed. In a large
 * group that is tens of milliseconds (copying ~40 MB of pages and an
 * fsync) in the middle of taking in a sync batch or a burst of gossip:
 * ~55 ms of a 10,000-entry catch-up into a daemon of 1,000,000 entries,
 * found with perf. So the automatic checkpoint is only a cap
 * (sqlite-file.ts, far above what a burst writes), and this checkpoints WHEN_IDLE_MS
 * after the last commit instead. A page written many times in a burst is
 * then copied once. The WAL file is cut back to `journal_size_limit`
 * when the next write starts it again; the database holds the lock for
 * good, so no reader can hold a checkpoint back.
 */
import type { DatabaseSync } from 'node:sqlite'
import { WhenIdle } from './when-idle.ts'

/** Quiet time after the last commit before the WAL is checkpointed. */
export const WHEN_IDLE_MS = 1_000

export class WalUpkeep {
  private readonly idle: WhenIdle
  private stopped = false

  constructor(db: DatabaseSync) {
    const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)')
    // a file closed under a stopping process: its close checkpoints
    // not while writes wait in an open transaction: its commit asks again (commits.ts)
    this.idle = new WhenIdle(WHEN_IDLE_MS, () => {
      if (!db.isTransaction) checkpoint.get()
    })
  }

  /** Notes a commit: the checkpoint waits until the writes pause. */
  committed(): void {
    if (!this.stopped) this.idle.touch()
  }

  /** No more checkpoints from here: the connection is closing (SQLite checkpoints on close). */
  stop(): void {
    this.stopped = true
    this.idle.cancel()
  }
}
