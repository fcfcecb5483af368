/**
 * Range-based set reconciliation (after Negentropy) as a pure state machine:
 * ranges in, ranges out, no I/O. Each side splits the key space into ranges
 * and sends a fingerprint per range; equal fingerprints end a range, unequal
 * ones are split again, and small ranges are settled by listing 16-byte id
 * prefixes. Cost grows with the difference between the two sets, not with
 * their size: about log_16(n) rounds and a few hundred bytes per differing
 * range, plus the missing entries themselves.
 *
 * The items must stay sorted in log order; new entries may arrive during a
 * session (they only look like more difference).
 */
import { equals } from 'uint8arrays/equals'
import { toHex } from '../codec/hex.ts'
import type { Ordered } from '../log/order.ts'
import { type Bound, compareBounds, INFINITY, lowerBound, minimalBound } from './bounds.ts'
import { FingerprintAccumulator } from './fingerprint.ts'
import { MalformedSyncFrameError } from './sync-errors.ts'

export interface SyncItem extends Ordered {
  id: Uint8Array
}

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
  /** Items the other side lacks: send their entries. */
  push: SyncItem[]
  /** How many entries this side asked for. */
  wanted: number
}

export interface ReconcilerOptions {
  /** Ranges a mismatching range splits into. */
  branching?: number
  /** A range with at most this many items is settled by listing ids. */
  idListThreshold?: number
}

export class Reconciler {
  private readonly items: readonly SyncItem[]
  private readonly branching: number
  private readonly idListThreshold: number

  constructor(items: readonly SyncItem[], options: ReconcilerOptions = {}) {
    this.items = items
    this.branching = options.branching ?? 16
    this.idListThreshold = options.idListThreshold ?? 32
  }

  /** The first message: the whole key space, split and fingerprinted. */
  initiate(): Range[] {
    const out: Range[] = []
    this.describe(0, this.items.length, INFINITY, out)
    return out
  }

  /** Answers one message of the other side. */
  receive(ranges: readonly Range[]): ReconcileStep {
    checkRanges(ranges)
    const step: ReconcileStep = { reply: [], needsAnswer: false, push: [], wanted: 0 }
    let lo = 0
    for (const range of ranges) {
      const hi = lowerBound(this.items, range.upper, lo)
      switch (range.mode) {
        case 'skip':
          this.skip(step, range.upper)
          break
        case 'fingerprint':
          if (equals(this.fingerprint(lo, hi), range.fingerprint)) this.skip(step, range.upper)
          else this.describe(lo, hi, range.upper, step.reply)
          break
        case 'ids': {
          const theirs = new Set(range.ids.map(toHex))
          const mine = new Set<string>()
          for (let i = lo; i < hi; i++) {
            const item = this.items[i] as SyncItem
            const prefix = item.idHex.slice(0, ID_PREFIX_BYTES * 2)
            mine.add(prefix)
            if (!theirs.has(prefix)) step.push.push(item)
          }
          const want = range.ids.filter((id) => !mine.has(toHex(id)))
          if (want.length > 0) {
            step.reply.push({ upper: range.upper, mode: 'want', ids: want })
            step.wanted += want.length
          } else {
            this.skip(step, range.upper)
          }
          break
        }
        case 'want': {
          const wanted = new Set(range.ids.map(toHex))
          for (let i = lo; i < hi; i++) {
            const item = this.items[i] as SyncItem
            if (wanted.has(item.idHex.slice(0, ID_PREFIX_BYTES * 2))) step.push.push(item)
          }
          this.skip(step, range.upper)
          break
        }
      }
      lo = hi
    }
    // trailing skips say nothing the other side does not know
    while (step.reply.length > 0 && (step.reply[step.reply.length - 1] as Range).mode === 'skip') step.reply.pop()
    step.needsAnswer = step.reply.some((r) => r.mode === 'fingerprint' || r.mode === 'ids')
    return step
  }

  /** Describes items [lo, hi) ending at `upper`: their ids when few, else split fingerprints. */
  private describe(lo: number, hi: number, upper: Bound, out: Range[]): void {
    const count = hi - lo
    if (count <= this.idListThreshold) {
      const ids: Uint8Array[] = []
      for (let i = lo; i < hi; i++) ids.push((this.items[i] as SyncItem).id.subarray(0, ID_PREFIX_BYTES))
      out.push({ upper, mode: 'ids', ids })
      return
    }
    const per = Math.ceil(count / this.branching)
    for (let start = lo; start < hi; start += per) {
      const end = Math.min(hi, start + per)
      const bound = end === hi ? upper : minimalBound(this.items[end - 1] as SyncItem, this.items[end] as SyncItem)
      out.push({ upper: bound, mode: 'fingerprint', fingerprint: this.fingerprint(start, end) })
    }
  }

  private fingerprint(lo: number, hi: number): Uint8Array {
    const acc = new FingerprintAccumulator()
    for (let i = lo; i < hi; i++) acc.add((this.items[i] as SyncItem).id)
    return acc.fingerprint()
  }

  private skip(step: ReconcileStep, upper: Bound): void {
    const last = step.reply[step.reply.length - 1]
    if (last !== undefined && last.mode === 'skip') last.upper = upper
    else step.reply.push({ upper, mode: 'skip' })
  }
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
