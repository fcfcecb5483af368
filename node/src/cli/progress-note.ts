/**
 * A long operation's progress as notes on stderr — "Backing up: 12,000 of
 * 40,000 entries" — at most once a second, the first at once, and the last
 * always, so even a quick run says what it did.
 */
import { thousands } from './message-format.ts'
import type { Output } from './output.ts'

const EVERY_MS = 1000

export class ProgressNote {
  private readonly out: Output
  private readonly doing: string
  private readonly count: (done: number, total: number) => string
  private shownAt = 0
  private last?: string

  /** `doing`: what the notes begin with, e.g. "Backing up"; `count` says how far (entries by default). */
  constructor(out: Output, doing: string, count: (done: number, total: number) => string = entries) {
    this.out = out
    this.doing = doing
    this.count = count
  }

  /** Shown if a second has passed since the last, or if it is the last (done reached total). */
  update(done: number, total: number): void {
    if (done < total && Date.now() - this.shownAt < EVERY_MS) return
    this.shownAt = Date.now()
    this.show(done, total)
  }

  /** The final count, unless it is what was shown last. */
  finish(done: number, total: number): void {
    this.show(done, total)
  }

  private show(done: number, total: number): void {
    const line = `${this.doing}: ${this.count(done, Math.max(done, total))}`
    if (line !== this.last) this.out.note(line)
    this.last = line
  }
}

function entries(done: number, total: number): string {
  return `${thousands(done)} of ${thousands(total)} ${total === 1 ? 'entry' : 'entries'}`
}

/** Bytes as a person reads them: "12.3 of 50.0 MB". */
export function megabytesOf(done: number, total: number): string {
  return `${(done / 1_000_000).toFixed(1)} of ${(total / 1_000_000).toFixed(1)} MB`
}
