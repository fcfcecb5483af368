/**
 * Starting new epochs when a group needs one: a newcomer was never given the
 * current key, or a member left. Every member that notices waits a random
 * moment and checks again, so usually one member rekeys.
 */
import type { GroupLog } from '../log/group-log.ts'
import type { LogEntry } from '../log/log-entry.ts'

const MIN_DELAY_MS = 100
const SPREAD_MS = 1400

export class RekeyScheduler {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>()
  private readonly onRekeyed: (log: GroupLog, entry: LogEntry) => void

  constructor(onRekeyed: (log: GroupLog, entry: LogEntry) => void) {
    this.onRekeyed = onRekeyed
  }

  consider(log: GroupLog): void {
    if (this.timers.has(log.idHex) || !shouldRekey(log)) return
    const timer = setTimeout(
      () => {
        this.timers.delete(log.idHex)
        if (!shouldRekey(log)) return
        log
          .rekey()
          .then((entry) => this.onRekeyed(log, entry))
          .catch(() => undefined)
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

/** A member holding the current key (or facing no usable epoch) rekeys; a newcomer without keys waits for one who has them. */
function shouldRekey(log: GroupLog): boolean {
  if (!log.isMember() || !log.needsRekey()) return false
  const epoch = log.membership()?.writingEpoch()
  return epoch === undefined || log.keys.has(epoch.id)
}
