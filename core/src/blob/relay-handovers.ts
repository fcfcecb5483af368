/**
 * Handing this device's files to the relays that keep their group until
 * each relay has said it keeps them. A file is handed over right after it
 * is sent; a relay that is down or unreachable then, or whose answer never
 * came, is remembered in a HandoverLedger (durable: the daemon's is a file
 * beside its pieces) and tried again when it is next reachable — the
 * caller says so after each successful mailbox sync with it — with a
 * growing pause after each failure, and a long one after a refusal (the
 * relay's room for the group's files is full), never more often. A
 * hand-over that failed MAX_TRIES times is given up, and said so.
 *
 * ```ts fragment
 * const handovers = new RelayHandovers(new MemoryHandoverLedger(), { attempt, onOutcome })
 * await handovers.start()
 * await handovers.add(groupId, messageId, ['12D3KooW…relay'])
 * handovers.retry(groupId, '12D3KooW…relay') // after a mailbox sync with it
 * ```
 */

/** A relay that has not yet confirmed keeping the files of a message this device sent. */
export interface PendingHandover {
  /** The group's id (hex). */
  group: string
  /** The message carrying the files (hex id). */
  message: string
  /** The relay's peer id. */
  relay: string
  /** When it was first remembered (ms since the epoch). */
  since: number
  /** Attempts so far. */
  tries: number
  /** Of them, refused by the relay. */
  refusals: number
  /** Not tried again before this time (ms since the epoch). */
  nextAt: number
  /** Why the last attempt failed. */
  reason?: string
}

/** Where pending hand-overs are kept across restarts: the whole list, read once at start and written on each change. */
export interface HandoverLedger {
  load(): Promise<PendingHandover[]>
  save(pending: readonly PendingHandover[]): Promise<void>
}

export class MemoryHandoverLedger implements HandoverLedger {
  private pending: PendingHandover[] = []

  async load(): Promise<PendingHandover[]> {
    return this.pending.map((p) => ({ ...p }))
  }

  async save(pending: readonly PendingHandover[]): Promise<void> {
    this.pending = pending.map((p) => ({ ...p }))
  }
}

/** What became of one attempt: kept (done), to be tried again (`nextAt`), refused by the relay (tried again later), given up, or moot. */
export type HandoverOutcome = { group: string; message: string; relay: string; tries: number } & (
  | { outcome: 'kept'; pieces: number }
  | { outcome: 'waiting' | 'refused'; reason: string; nextAt: number }
  | { outcome: 'given-up'; reason: string }
)

/** An attempt that cannot succeed any more (the message was deleted, the relay is no longer used): forgotten, not retried. */
export class HandoverMootError extends Error {
  static override name = 'HandoverMootError'
  override name = 'HandoverMootError'
}

export interface HandoverInit {
  /** Hands the message's files to the relay; resolves with the pieces it kept. Throws BlobRefusedError when it refuses, HandoverMootError when pointless. */
  attempt: (pending: PendingHandover) => Promise<number>
  onOutcome?: (outcome: HandoverOutcome) => void
  now?: () => number
}

/** Pauses after an attempt that failed (the relay not reached, the exchange broken), the last repeated. */
export const RETRY_PAUSES_MS = [5_000, 30_000, 120_000, 600_000, 3_600_000]
/** Pauses after a refusal (the relay's room for the group's files full), the last repeated. */
export const REFUSED_PAUSES_MS = [3_600_000, 6 * 3_600_000, 24 * 3_600_000]
/** Attempts before a hand-over is given up. */
export const MAX_TRIES = 10
/**
 * A hand-over not done within this long is given up: a relay that never syncs the group again (it does not keep
 * it, or was dropped from the settings) must not have the list grow for ever.
 */
export const MAX_AGE_MS = 30 * 24 * 3_600_000

export class RelayHandovers {
  private readonly ledger: HandoverLedger
  private readonly init: HandoverInit
  private readonly now: () => number
  private pending: PendingHandover[] = []
  private loaded?: Promise<void>
  /** One attempt at a time per relay: a relay back after a while gets the files one after another. */
  private readonly queues = new Map<string, Promise<void>>()
  /** Group/relay → a timer for the pause of the next pending hand-over there. */
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>()
  private stopped = false
  /** Writes of the ledger, one after another, each with the list as it is then. */
  private saving: Promise<void> = Promise.resolve()

  constructor(ledger: HandoverLedger, init: HandoverInit) {
    this.ledger = ledger
    this.init = init
    this.now = init.now ?? Date.now
  }

  /** Reads what was pending when the device last stopped. */
  start(): Promise<void> {
    this.stopped = false
    this.loaded ??= this.ledger.load().then((pending) => {
      this.pending = pending
    })
    return this.loaded
  }

  async stop(): Promise<void> {
    this.stopped = true
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
    await Promise.allSettled([...this.queues.values(), this.saving])
  }

  /** What is pending now. */
  list(): readonly PendingHandover[] {
    return this.pending
  }

  /** Remembers that these relays are to keep the message's files (durably, before it resolves), then hands them over. */
  async add(group: string, message: string, relays: readonly string[]): Promise<void> {
    await this.start()
    this.expire()
    const now = this.now()
    for (const relay of relays) {
      if (this.find(group, message, relay) === undefined) this.pending.push({ group, message, relay, since: now, tries: 0, refusals: 0, nextAt: now })
    }
    await this.save()
    for (const relay of relays) this.retry(group, relay)
  }

  /**
   * The relay is reachable now (a mailbox sync with it succeeded): hands it what is pending for the group and due,
   * and sets a timer for the end of the next pause. An attempt at that timer sets none: a relay that went away is
   * tried again once a sync with it succeeds, and its absence uses up no tries meanwhile.
   */
  retry(group: string, relay: string): void {
    this.attemptSoon(group, relay, true)
  }

  private attemptSoon(group: string, relay: string, reachable: boolean): void {
    if (this.stopped) return
    void this.start().then(() => this.enqueue(relay, () => this.attemptDue(group, relay, reachable)))
  }

  private enqueue(relay: string, work: () => Promise<void>): void {
    const next = (this.queues.get(relay) ?? Promise.resolve()).then(work).catch(() => undefined)
    this.queues.set(relay, next)
    void next.finally(() => {
      if (this.queues.get(relay) === next) this.queues.delete(relay)
    })
  }

  private async attemptDue(group: string, relay: string, reachable: boolean): Promise<void> {
    for (const pending of this.pending.filter((p) => p.group === group && p.relay === relay)) {
      if (this.stopped) return
      if (pending.nextAt > this.now()) continue
      await this.attempt(pending)
    }
    if (reachable) this.schedule(group, relay)
  }

  private async attempt(pending: PendingHandover): Promise<void> {
    pending.tries++
    const { group, message, relay, tries } = pending
    let outcome: HandoverOutcome
    try {
      const pieces = await this.init.attempt(pending)
      this.forget(pending)
      outcome = { outcome: 'kept', group, message, relay, tries, pieces }
    } catch (err) {
      if (this.stopped) return
      const error = err as Error
      if (error.name === 'HandoverMootError') {
        this.forget(pending)
        await this.save()
        return
      }
      const refused = error.name === 'BlobRefusedError'
      pending.reason = error.message
      if (pending.tries >= MAX_TRIES) {
        this.forget(pending)
        outcome = { outcome: 'given-up', group, message, relay, tries, reason: error.message }
      } else {
        if (refused) pending.refusals++
        const [pauses, nth] = refused ? [REFUSED_PAUSES_MS, pending.refusals] : [RETRY_PAUSES_MS, pending.tries - pending.refusals]
        pending.nextAt = this.now() + (pauses[Math.min(nth, pauses.length) - 1] as number)
        outcome = { outcome: refused ? 'refused' : 'waiting', group, message, relay, tries, reason: error.message, nextAt: pending.nextAt }
      }
    }
    await this.save()
    this.init.onOutcome?.(outcome)
  }

  /** A timer for the earliest pending hand-over to this relay for the group, so a pause ends in a try even without another sync. */
  private schedule(group: string, relay: string): void {
    const key = `${group}/${relay}`
    const nextAt = Math.min(...this.pending.filter((p) => p.group === group && p.relay === relay).map((p) => p.nextAt))
    clearTimeout(this.timers.get(key))
    this.timers.delete(key)
    if (!Number.isFinite(nextAt) || this.stopped) return
    const timer = setTimeout(
      () => {
        this.timers.delete(key)
        this.attemptSoon(group, relay, false)
      },
      Math.max(0, nextAt - this.now())
    )
    ;(timer as { unref?: () => void }).unref?.()
    this.timers.set(key, timer)
  }

  /** Gives up the hand-overs older than MAX_AGE_MS (saved with the next change). */
  private expire(): void {
    const now = this.now()
    for (const pending of this.pending.filter((p) => now - p.since > MAX_AGE_MS)) {
      this.forget(pending)
      const { group, message, relay, tries } = pending
      const days = Math.round(MAX_AGE_MS / (24 * 3_600_000))
      this.init.onOutcome?.({
        outcome: 'given-up',
        group,
        message,
        relay,
        tries,
        reason: `not kept by the relay within ${days} days (${pending.reason ?? 'no sync with it since'})`
      })
    }
  }

  private find(group: string, message: string, relay: string): PendingHandover | undefined {
    return this.pending.find((p) => p.group === group && p.message === message && p.relay === relay)
  }

  private forget(pending: PendingHandover): void {
    this.pending = this.pending.filter((p) => p !== pending)
  }

  /**
   * Writes the list as it is now, after the writes before it. A ledger that cannot be written (a full disk) still
   * has files handed over now; only a restart would forget what is owed.
   */
  private save(): Promise<void> {
    const snapshot = this.pending.map((p) => ({ ...p }))
    this.saving = this.saving.then(() => this.ledger.save(snapshot)).catch(() => undefined)
    return this.saving
  }
}
