/**
 * Erasing disappearing messages on time: for each open group, a timer set
 * for the soonest expiry its store holds, which erases what is due
 * (GroupLog.eraseExpired) and sets itself again. A group is swept when it
 * opens — a device that was offline at a deadline erases the moment it looks
 * again — and whenever an entry arrives that expires sooner than the timer.
 */
import type { GroupLog } from '../log/group-log.ts'

/** Longest a timer waits before looking again (setTimeout's limit is ~24.8 days). */
const MAX_WAIT_MS = 24 * 3600 * 1000

interface Plan {
  timer?: ReturnType<typeof setTimeout>
  /** Ends the plan's listener on the log. */
  following: AbortController
  /** When the timer fires (ms). */
  at: number
}

export class ExpiryScheduler {
  private readonly plans = new Map<GroupLog, Plan>()
  private readonly now: () => number
  private stopped = false

  constructor(now: () => number = Date.now) {
    this.now = now
  }

  /** Follows a newly opened group: sweeps it now, then on time. */
  watch(log: GroupLog): void {
    if (this.plans.has(log)) return
    const plan: Plan = { at: 0, following: new AbortController() }
    this.plans.set(log, plan)
    log.addEventListener(
      'entries',
      (evt) => {
        let soonest = Number.POSITIVE_INFINITY
        for (const e of evt.detail.entries) if (e.expires !== undefined && e.expires < soonest) soonest = e.expires
        if (soonest < plan.at || plan.timer === undefined) this.setTimer(log, soonest)
      },
      { signal: plan.following.signal }
    )
    void this.sweep(log)
  }

  forget(log: GroupLog): void {
    const plan = this.plans.get(log)
    if (plan?.timer !== undefined) clearTimeout(plan.timer)
    plan?.following.abort()
    this.plans.delete(log)
  }

  stop(): void {
    this.stopped = true
    for (const log of [...this.plans.keys()]) this.forget(log)
  }

  private async sweep(log: GroupLog): Promise<void> {
    if (this.stopped || !this.plans.has(log)) return
    try {
      await log.eraseExpired()
      const next = await log.nextExpiry()
      if (next !== undefined) this.setTimer(log, next)
    } catch {
      // a closed store: the group is closing; an opening sweeps again
    }
  }

  private setTimer(log: GroupLog, at: number): void {
    const plan = this.plans.get(log)
    if (plan === undefined || this.stopped || !Number.isFinite(at)) return
    if (plan.timer !== undefined) clearTimeout(plan.timer)
    const wait = Math.min(Math.max(0, at - this.now()), MAX_WAIT_MS)
    plan.at = this.now() + wait
    plan.timer = setTimeout(() => {
      plan.timer = undefined
      void this.sweep(log)
    }, wait)
    ;(plan.timer as { unref?: () => void }).unref?.()
  }
}
