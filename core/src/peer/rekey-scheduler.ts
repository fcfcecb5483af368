/**
 * Starting new epochs when a group needs one: a newcomer was never given the
 * current key, or a member left. Every member that notices waits a random
 * moment and checks again, so usually one member rekeys.
 */
import type { GroupLog } from '../log/group-log.ts'

const MIN_DELAY_MS = 100
const SPREAD_MS = 1400

export class RekeyScheduler {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>()

  consider(log: GroupLog): void {
    if (this.timers.has(log.idHex) || !shouldRekey(log)) return
    const timer = setTimeout(
      () => {
        this.timers.delete(log.idHex)
        if (!shouldRekey(log)) return
        // the peer publishes what the log writes; a failed rekey is retried at the next membership change
        log.rekey().catch(() => undefined)
      },
      MIN_DELAY_MS + Math.random() * SPREAD_MS
    )
    ;(timer as { unref?: () => void }).unref?.()
    this.timers.set(log.idHex, timer)
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
  }
}

/**
 * A member rekeys when there is no usable epoch, or when it holds a key some
 * member cannot read (its rekey's history then brings that key to them); a
 * member with nothing to give waits for one who has it.
 */
function shouldRekey(log: GroupLog): boolean {
  const state = log.membership()
  if (state === undefined || !log.isMember() || !log.needsRekey()) return false
  if (state.writingEpoch() === undefined) return true
  return [...state.unreadable().values()].some((epochs) => epochs.some((e) => log.keys.has(e)))
}
