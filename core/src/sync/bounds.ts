/**
 * Range bounds for reconciliation, in the log's order (clock, author, id).
 * A bound is a clock and the shortest prefix of author‖id that separates two
 * neighbouring entries, so most bounds are a clock alone and cost a few bytes.
 * A bound is ≤ an entry when its clock is lower, or equal and its prefix is
 * ≤ the same-length prefix of the entry's author‖id.
 */
import type { Ordered } from '../log/order.ts'

export interface Bound {
  clock: number
  /** Lowercase hex of the prefix of author‖id; even length, at most 128 digits. */
  prefix: string
}

export const INFINITY: Bound = { clock: Number.MAX_SAFE_INTEGER, prefix: '' }
export const ZERO: Bound = { clock: 0, prefix: '' }

export function compareBounds(a: Bound, b: Bound): number {
  if (a.clock !== b.clock) return a.clock < b.clock ? -1 : 1
  return a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0
}

/** Whether `b` ≤ `item`. */
export function boundAtOrBefore(b: Bound, item: Ordered): boolean {
  if (b.clock !== item.clock) return b.clock < item.clock
  if (b.prefix.length === 0) return true
  const key = item.authorHex + item.idHex
  return b.prefix <= key.slice(0, b.prefix.length)
}

/** Index of the first item at or after `b` (items sorted in log order). */
export function lowerBound(items: readonly Ordered[], b: Bound, from = 0): number {
  let lo = from
  let hi = items.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (boundAtOrBefore(b, items[mid] as Ordered)) hi = mid
    else lo = mid + 1
  }
  return lo
}

/** The shortest bound b with prev < b ≤ next. */
export function minimalBound(prev: Ordered, next: Ordered): Bound {
  if (prev.clock !== next.clock) return { clock: next.clock, prefix: '' }
  const a = prev.authorHex + prev.idHex
  const b = next.authorHex + next.idHex
  let i = 0
  while (i < b.length && a[i] === b[i]) i++
  const digits = Math.min(b.length, (Math.floor(i / 2) + 1) * 2)
  return { clock: next.clock, prefix: b.slice(0, digits) }
}
