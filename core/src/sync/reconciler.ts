/**
 * Range-based set reconciliation (after Negentropy) as a pure state machine:
 * ranges in, ranges out, no I/O of its own. Each side splits the key space into ranges
 * and sends a fingerprint per range; equal fingerprints end a range, unequal
 * ones are split again, and small ranges are settled by listing 16-byte id
 * prefixes. Cost grows with the difference between the two sets, not with
 * their size: about log_16(n) rounds and a few hundred bytes per differing
 * range, plus the missing entries themselves.
 *
 * What it knows of this side's entries it asks of a SyncRanges, by bounds
 * (sync-ranges.ts); new entries may arrive during a session (they only look
 * like more difference).
 *
 * What this side pushes goes out in log order over the whole session, so
 * the other side gets parents before their children: entries found in a
 * range above one still being reconciled wait until it is settled (or the
 * session's reconciliation ends, `finish()`). Pushed early, they arrived
 * before the older entries they descend from, and the receiver held them
 * all back, looked for their parents in its store and admitted them in one
 * late batch (a daemon's catch-up of 10,000: nine frames held back, then
 * all 10,000 admitted when the last 455 came).
 */
import { equals } from 'uint8arrays/equals'
import { toHex } from '../codec/hex.ts'
import { type Bound, compareBounds, INFINITY, ZERO } from './bounds.ts'
import { MalformedSyncFrameError } from './sync-errors.ts'
import type { SyncRanges } from './sync-ranges.ts'

export const ID_PREFIX_BYTES = 16

export type Range =
  | { upper: Bound; mode: 'skip' }
  | { upper: Bound; mode: 'fingerprint'; fingerprint: Uint8Array }
  /** The sender's id prefixes in the range. */
  | { upper: Bound; mode: 'ids'; ids: Uint8Array[] }
  /** Id prefixes the sender lacks, from an 'ids' range the other side sent. */
  | { upper: Bound; mode: 'want'; ids: Uint8Array[] }

export interface ReconcileStep {
  /** Ranges to send; empty when there is nothing to say. */
  reply: Range[]
  /** Whether the reply asks the other side for an answer. */
  needsAnswer: boolean
  /** Ids of entries the other side lacks, to send now: in log order, and after every id pushed before. */
  push: Uint8Array[]
  /** How many entries this side asked for. */
  wanted: number
}

export interface ReconcilerOptions {
  /** Ranges a mismatching range splits into. */
  branching?: number
  /** A range with at most this many items is settled by listing ids. */
  idListThreshold?: number
}

/** Every id of a range: an 'ids' or 'want' range is answered whole, whatever its size. */
const ALL = Number.POSITIVE_INFINITY

/** Ids to push from one range, [lower, upper). */
interface Found {
  lower: Bound
  upper: Bound
  ids: Uint8Array[]
}

export class Reconciler {
  private readonly ranges: SyncRanges
  private readonly branching: number
  private readonly idListThreshold: number
  /** Ids found in ranges above one still being reconciled, in log order: pushed once nothing below them is open. */
  private withheld: Found[] = []

  constructor(ranges: SyncRanges, options: ReconcilerOptions = {}) {
    this.ranges = ranges
    this.branching = options.branching ?? 16
    this.idListThreshold = options.idListThreshold ?? 32
  }

  /** The first message: the whole key space, split and fingerprinted. */
  async initiate(): Promise<Range[]> {
    const out: Range[] = []
    await this.describe(ZERO, INFINITY, (await this.ranges.fingerprint(ZERO, INFINITY)).count, out)
    return out
  }

  /** Answers one message of the other side. */
  async receive(ranges: readonly Range[]): Promise<ReconcileStep> {
    checkRanges(ranges)
    const step: ReconcileStep = { reply: [], needsAnswer: false, push: [], wanted: 0 }
    const found: Found[] = []
    let lower = ZERO
    for (const range of ranges) {
      const upper = range.upper
      switch (range.mode) {
        case 'skip':
          this.skip(step, upper)
          break
        case 'fingerprint': {
          const mine = await this.ranges.fingerprint(lower, upper)
          if (equals(mine.fingerprint, range.fingerprint)) this.skip(step, upper)
          else await this.describe(lower, upper, mine.count, step.reply)
          break
        }
        case 'ids': {
          const theirs = new Set(range.ids.map(toHex))
          const mine = new Set<string>()
          const lacked: Uint8Array[] = []
          for (const id of await this.ranges.ids(lower, upper, ALL)) {
            const prefix = toHex(id.subarray(0, ID_PREFIX_BYTES))
            mine.add(prefix)
            if (!theirs.has(prefix)) lacked.push(id)
          }
          if (lacked.length > 0) found.push({ lower, upper, ids: lacked })
          const want = range.ids.filter((id) => !mine.has(toHex(id)))
          if (want.length > 0) {
            step.reply.push({ upper, mode: 'want', ids: want })
            step.wanted += want.length
          } else {
            this.skip(step, upper)
          }
          break
        }
        case 'want': {
          const wanted = new Set(range.ids.map(toHex))
          const ids = (await this.ranges.ids(lower, upper, ALL)).filter((id) => wanted.has(toHex(id.subarray(0, ID_PREFIX_BYTES))))
          if (ids.length > 0) found.push({ lower, upper, ids })
          this.skip(step, upper)
          break
        }
      }
      lower = upper
    }
    // trailing skips say nothing the other side does not know
    while (step.reply.length > 0 && (step.reply[step.reply.length - 1] as Range).mode === 'skip') step.reply.pop()
    step.needsAnswer = step.reply.some((r) => r.mode === 'fingerprint' || r.mode === 'ids')
    step.push = this.release(found, step.reply)
    return step
  }

  /** Reconciliation has ended (the other side is done): every id still withheld, in log order. */
  finish(): Uint8Array[] {
    return this.release([], [])
  }

  /** What may be pushed now: ids below the first range the reply leaves open, with those withheld before; the rest waits. */
  private release(found: Found[], reply: readonly Range[]): Uint8Array[] {
    const open = firstOpen(reply)
    const all = [...this.withheld, ...found].sort((a, b) => compareBounds(a.lower, b.lower))
    const cut = open === undefined ? all.length : all.findIndex((f) => compareBounds(f.upper, open) > 0)
    const ready = cut < 0 ? all : all.slice(0, cut)
    this.withheld = cut < 0 ? [] : all.slice(cut)
    return ready.flatMap((f) => f.ids)
  }

  /** Describes the `count` entries of [lower, upper): their ids when few, else split fingerprints. */
  private async describe(lower: Bound, upper: Bound, count: number, out: Range[]): Promise<void> {
    if (count <= this.idListThreshold) {
      const ids = (await this.ranges.ids(lower, upper, this.idListThreshold)).map((id) => id.subarray(0, ID_PREFIX_BYTES))
      out.push({ upper, mode: 'ids', ids })
      return
    }
    let from = lower
    for (const to of [...(await this.ranges.split(lower, upper, this.branching)), upper]) {
      out.push({ upper: to, mode: 'fingerprint', fingerprint: (await this.ranges.fingerprint(from, to)).fingerprint })
      from = to
    }
  }

  private skip(step: ReconcileStep, upper: Bound): void {
    const last = step.reply[step.reply.length - 1]
    if (last !== undefined && last.mode === 'skip') last.upper = upper
    else step.reply.push({ upper, mode: 'skip' })
  }
}

/** The lower bound of the first range the other side is asked about (fingerprint or ids), if any. */
function firstOpen(reply: readonly Range[]): Bound | undefined {
  let lower = ZERO
  for (const range of reply) {
    if (range.mode === 'fingerprint' || range.mode === 'ids') return lower
    lower = range.upper
  }
  return undefined
}

/** Bounds must rise strictly; anything else is a confused or hostile peer. */
function checkRanges(ranges: readonly Range[]): void {
  let previous: Bound | undefined
  for (const r of ranges) {
    if (previous !== undefined && compareBounds(previous, r.upper) >= 0) {
      throw new MalformedSyncFrameError('sync ranges must have strictly increasing bounds')
    }
    previous = r.upper
  }
}
