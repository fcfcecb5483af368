/** Binary search over lists sorted by an order key (log/order.ts), as the memory stores keep them. */
import { compare } from 'uint8arrays/compare'

/** Index of the first item whose key is at or after `key` (`after`: strictly after). */
export function searchKey<T extends { key: Uint8Array }>(list: readonly T[], key: Uint8Array, after = false): number {
  // most items are older than a new key: check the end first
  if (list.length === 0 || compare((list[list.length - 1] as T).key, key) < 0) return list.length
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    const c = compare((list[mid] as T).key, key)
    if (c < 0 || (after && c === 0)) lo = mid + 1
    else hi = mid
  }
  return lo
}
