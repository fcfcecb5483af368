/**
 * SyncRanges answered from entries held in memory in the log's order (the
 * log's own array, read live: entries arriving during a session only look
 * like more difference to the reconciler).
 */
import type { Ordered } from '../log/order.ts'
import { type Bound, lowerBound, minimalBound } from './bounds.ts'
import { FingerprintAccumulator } from './fingerprint.ts'
import type { RangeSummary, SyncRanges } from './sync-ranges.ts'

export interface SyncItem extends Ordered {
  id: Uint8Array
}

export class OrderedRanges implements SyncRanges {
  private readonly items: readonly SyncItem[]

  /** `items` sorted in log order; they may grow (in order) between questions. */
  constructor(items: readonly SyncItem[]) {
    this.items = items
  }

  async fingerprint(lower: Bound, upper: Bound): Promise<RangeSummary> {
    const [lo, hi] = this.span(lower, upper)
    const acc = new FingerprintAccumulator()
    for (let i = lo; i < hi; i++) acc.add((this.items[i] as SyncItem).id)
    return { count: acc.count, fingerprint: acc.fingerprint() }
  }

  async split(lower: Bound, upper: Bound, parts: number): Promise<Bound[]> {
    const [lo, hi] = this.span(lower, upper)
    const per = Math.ceil((hi - lo) / parts)
    const bounds: Bound[] = []
    if (per === 0) return bounds
    for (let start = lo + per; start < hi; start += per) {
      bounds.push(minimalBound(this.items[start - 1] as SyncItem, this.items[start] as SyncItem))
    }
    return bounds
  }

  async ids(lower: Bound, upper: Bound, limit: number): Promise<Uint8Array[]> {
    const [lo, hi] = this.span(lower, upper)
    const ids: Uint8Array[] = []
    for (let i = lo; i < hi && ids.length < limit; i++) ids.push((this.items[i] as SyncItem).id)
    return ids
  }

  /** Positions [lo, hi) of the range; empty when upper ≤ lower. */
  private span(lower: Bound, upper: Bound): [number, number] {
    const lo = lowerBound(this.items, lower)
    return [lo, lowerBound(this.items, upper, lo)]
  }
}
