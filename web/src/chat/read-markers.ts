/**
 * Writing the person's read position into a group, coalesced: a read
 * marker is an entry every member receives, so it is written when the
 * person starts reading a group, then at most every READ_EVERY_MS while
 * new messages keep arriving, and once more when they leave it (another
 * group, the tab hidden or closed) — a handful per reading session, not
 * one per message. Nothing is written when nothing is unread. With read
 * receipts off, the position is kept in this device's settings instead,
 * and no marker is written.
 */
import { type GroupLog, readUpToNow, toHex } from '@causette/core'
import type { TabPreferences } from '../settings/tab-preferences.ts'

export const READ_EVERY_MS = 15_000

export class ReadMarkers {
  private readonly log: () => GroupLog | undefined
  private readonly me: string
  private readonly preferences: TabPreferences
  private lastWritten = 0
  private pending: ReturnType<typeof setTimeout> | undefined
  private writing: Promise<void> = Promise.resolve()

  constructor(log: () => GroupLog | undefined, me: string, preferences: TabPreferences) {
    this.log = log
    this.me = me
    this.preferences = preferences
  }

  /** The person sees the newest messages now: write at once if none was written lately, else once the interval is up. */
  seen(): void {
    const wait = this.lastWritten + READ_EVERY_MS - Date.now()
    if (wait <= 0) {
      this.flush()
      return
    }
    this.pending ??= setTimeout(() => {
      this.pending = undefined
      this.flush()
    }, wait)
  }

  /** The person leaves the group or the tab: what they read is written now. */
  flush(): void {
    if (this.pending !== undefined) clearTimeout(this.pending)
    this.pending = undefined
    const log = this.log()
    if (log === undefined) return
    this.writing = this.writing.then(async () => {
      const marker = await readUpToNow(log, this.me, this.preferences.readPosition(log.idHex)).catch(() => undefined)
      if (marker === undefined) return
      if (!this.preferences.sendsReceipts) {
        await this.preferences.setReadPosition(log.idHex, toHex(marker.upTo)).catch(() => undefined)
        return
      }
      this.lastWritten = Date.now()
      await log.append(marker).catch(() => undefined)
    })
  }
}
