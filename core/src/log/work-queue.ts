/** One piece of work at a time, in the order asked: how a log keeps adds, writes and openings from interleaving. */
export class WorkQueue {
  private tail: Promise<unknown> = Promise.resolve()

  /** Runs `work` after everything queued before it (whether that failed or not). */
  run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.tail.then(work, work)
    this.tail = next.catch(() => undefined)
    return next
  }
}
