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
import type { DatabaseSync, StatementSync } from 'node:sqlite'

/** Quiet time after the last commit before the WAL is checkpointed. */
export const WHEN_IDLE_MS = 1_000

export class WalUpkeep {
  private readonly checkpoint: StatementSync
  private idle: ReturnType<typeof setTimeout> | undefined
  private stopped = false

  constructor(db: DatabaseSync) {
    this.checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)')
  }

  /** Notes a commit: the checkpoint waits until the writes pause. */
  committed(): void {
    if (this.stopped) return
    if (this.idle !== undefined) {
      this.idle.refresh()
      return
    }
    this.idle = setTimeout(() => {
      this.idle = undefined
      try {
        this.checkpoint.get()
      } catch {
        // the file closed under a stopping process: its close checkpoints
      }
    }, WHEN_IDLE_MS)
    this.idle.unref()
  }

  /** No more checkpoints from here: the connection is closing (SQLite checkpoints on close). */
  stop(): void {
    this.stopped = true
    clearTimeout(this.idle)
    this.idle = undefined
  }
}
