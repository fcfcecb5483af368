/**
 * SyncRanges answered from the store, a page of order keys at a time: the
 * log keeps no array of its entries. A bound (bounds.ts) is a clock and a
 * prefix of author‖id, so as bytes (the clock big-endian, then the prefix)
 * it sorts among order keys exactly where the bound falls: a range
 * [lower, upper) is the keys k with bytes(lower) ≤ k < bytes(upper).
 */
import { fromHex, toHex } from '../codec/hex.ts'
import { fromOrderKey, type Ordered } from '../log/order.ts'
import type { KeyRange } from '../store/store.ts'
import { type Bound, compareBounds, minimalBound } from './bounds.ts'
import { FingerprintAccumulator } from './fingerprint.ts'
import type { RangeSummary, SyncRanges } from './sync-ranges.ts'

/** Keys read per question to the store. */
const KEYS_PAGE = 4096

export class StoreRanges implements SyncRanges {
  private readonly listKeys: (range: KeyRange) => Promise<Uint8Array[]>

  /** `listKeys`: the log's keys in a range, in order (GroupLog.listKeys). */
  constructor(listKeys: (range: KeyRange) => Promise<Uint8Array[]>) {
    this.listKeys = listKeys
  }

  async fingerprint(lower: Bound, upper: Bound): Promise<RangeSummary> {
    const acc = new FingerprintAccumulator()
    await this.each(lower, upper, Number.POSITIVE_INFINITY, (key) => acc.add(fromOrderKey(key).id))
    return { count: acc.count, fingerprint: acc.fingerprint() }
  }

  async split(lower: Bound, upper: Bound, parts: number): Promise<Bound[]> {
    const keys: Uint8Array[] = []
    await this.each(lower, upper, Number.POSITIVE_INFINITY, (key) => keys.push(key))
    const per = Math.ceil(keys.length / parts)
    const bounds: Bound[] = []
    if (per === 0) return bounds
    for (let start = per; start < keys.length; start += per) {
      bounds.push(minimalBound(orderedOf(keys[start - 1] as Uint8Array), orderedOf(keys[start] as Uint8Array)))
    }
    return bounds
  }

  async ids(lower: Bound, upper: Bound, limit: number): Promise<Uint8Array[]> {
    const ids: Uint8Array[] = []
    await this.each(lower, upper, limit, (key) => ids.push(fromOrderKey(key).id.slice()))
    return ids
  }

  /** Calls `visit` with each key in [lower, upper), in order, at most `limit` of them. */
  private async each(lower: Bound, upper: Bound, limit: number, visit: (key: Uint8Array) => void): Promise<void> {
    if (compareBounds(upper, lower) <= 0) return
    const to = boundKey(upper)
    let from = boundKey(lower)
    let seen = 0
    while (seen < limit) {
      const want = Math.min(KEYS_PAGE, limit - seen)
      const page = await this.listKeys({ from, to, limit: want })
      for (const key of page) visit(key)
      seen += page.length
      if (page.length < want) return
      // the first key after the last one read: a byte string sorts after its prefixes
      const last = page[page.length - 1] as Uint8Array
      from = new Uint8Array(last.byteLength + 1)
      from.set(last)
    }
  }
}

/** A bound as bytes that sort among order keys where the bound falls. */
export function boundKey(b: Bound): Uint8Array {
  const prefix = fromHex(b.prefix)
  const key = new Uint8Array(8 + prefix.byteLength)
  new DataView(key.buffer).setBigUint64(0, BigInt(b.clock))
  key.set(prefix, 8)
  return key
}

function orderedOf(key: Uint8Array): Ordered {
  const { clock, author, id } = fromOrderKey(key)
  return { clock, authorHex: toHex(author), idHex: toHex(id) }
}
