/**
 * The safety net under live delivery and the syncs that connections and
 * gaps start: every period, each group reconciles with one connected member
 * it has not synced with for that long.
 */
import type { GroupPresence } from './group-presence.ts'

export class AntiEntropy {
  private timer?: ReturnType<typeof setInterval>
  private readonly presence: GroupPresence
  private readonly request: (groupId: string, peer: string) => void
  private readonly now: () => number

  constructor(presence: GroupPresence, request: (groupId: string, peer: string) => void, now: () => number) {
    this.presence = presence
    this.request = request
    this.now = now
  }

  /** Runs every `every` ms; 0 leaves it off. */
  start(every: number): void {
    if (every <= 0) return
    this.timer = setInterval(() => this.reconcileOne(every), every)
    ;(this.timer as { unref?: () => void }).unref?.()
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer)
  }

  private reconcileOne(every: number): void {
    const now = this.now()
    for (const groupId of this.presence.groups()) {
      const stale = this.presence.stale(groupId, now, every)
      const pick = stale[Math.floor(Math.random() * stale.length)]
      if (pick !== undefined) this.request(groupId, pick)
    }
  }
}
