/**
 * Work run once a stream of events pauses: each `touch` puts it off until
 * `ms` after the last one. The store's upkeep after writes (indexing words,
 * checkpointing the WAL) waits this way, so a burst pays for it once, after.
 * The timer keeps no process alive; work that throws (the store closed
 * under a stopping process) is left undone.
 */
export class WhenIdle {
  private readonly ms: number
  private readonly work: () => void
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(ms: number, work: () => void) {
    this.ms = ms
    this.work = work
  }

  /** Runs the work `ms` from now, unless touched again before. */
  touch(): void {
    if (this.timer !== undefined) {
      this.timer.refresh()
      return
    }
    this.timer = setTimeout(() => {
      this.timer = undefined
      try {
        this.work()
      } catch {
        // the store closed under a stopping process: what was to be done stays undone
      }
    }, this.ms)
    this.timer.unref()
  }

  /** Drops the pending run, if any. */
  cancel(): void {
    clearTimeout(this.timer)
    this.timer = undefined
  }
}
