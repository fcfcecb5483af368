/**
 * SyncRanges answered from the store, a page of order keys at a time: the
 * log keeps no array of its entries. A bound (bounds.ts) is a clock and a
 * prefix of author‖id, so as bytes (the clock big-endian, then the prefix)
 * it sorts among order keys exactly where the bound falls: a range
 * [lower, upper) is the keys k with bytes(lower) ≤ k < bytes(upper).
 * Given the log's bucket summary (order-buckets.ts), a fingerprint or a
 * split reads only the keys of the buckets a range cuts, not all of it.
 */
import { compare } from 'uint8arrays/compare'
import { fromHex, toHex } from '../codec/hex.ts'
import { fromOrderKey, type Ordered, writeClock } from '../log/order.ts'
import type { KeyRange } from '../store/store.ts'
import { type Bound, compareBounds, minimalBound } from './bounds.ts'
import { FingerprintAccumulator } from './fingerprint.ts'
import { type Bucket, lastAtOrBefore } from './order-buckets.ts'
import type { RangeSummary, SyncRanges } from './sync-ranges.ts'

/** Keys read per question to the store. */
const KEYS_PAGE = 4096
/** Buckets whose keys a session keeps once read (each ~1,000 keys). */
const CACHED_BUCKETS = 64

/** A stretch of a range: a whole bucket (its sum, its keys read only if needed) or keys read from the store. */
interface Segment {
  from: Uint8Array
  to: Uint8Array | undefined
  count: number
  sum?: FingerprintAccumulator
  keys?: Uint8Array[]
}

export class StoreRanges implements SyncRanges {
  private readonly listKeys: (range: KeyRange) => Promise<Uint8Array[]>
  private readonly buckets: (() => Promise<readonly Bucket[]>) | undefined
  /**
   * The keys of buckets a range cut, kept for the session: a round's split
   * and the fingerprints on both sides of each bound read the same bucket,
   * as does the next round. Kept by the bucket's first key, end and count,
   * so a bucket that took entries meanwhile is read again.
   */
  private readonly bucketKeys = new Map<string, Uint8Array[]>()

  /** `listKeys`: the log's keys in a range, in order (GroupLog.listKeys); `buckets`: its order summary, if it keeps one. */
  constructor(listKeys: (range: KeyRange) => Promise<Uint8Array[]>, buckets?: () => Promise<readonly Bucket[]>) {
    this.listKeys = listKeys
    this.buckets = buckets
  }

  async fingerprint(lower: Bound, upper: Bound): Promise<RangeSummary> {
    const acc = new FingerprintAccumulator()
    for (const segment of await this.segments(lower, upper)) {
      if (segment.sum !== undefined) acc.addAll(segment.sum)
      else for (const key of segment.keys as Uint8Array[]) acc.add(fromOrderKey(key).id)
    }
    return { count: acc.count, fingerprint: acc.fingerprint() }
  }

  async split(lower: Bound, upper: Bound, parts: number): Promise<Bound[]> {
    const segments = await this.segments(lower, upper)
    const count = segments.reduce((n, s) => n + s.count, 0)
    const per = Math.ceil(count / parts)
    const bounds: Bound[] = []
    if (per === 0) return bounds
    for (let start = per; start < count; start += per) {
      const [prev, next] = [await this.keyAt(segments, start - 1), await this.keyAt(segments, start)]
      bounds.push(minimalBound(orderedOf(prev), orderedOf(next)))
    }
    return bounds
  }

  /** The range as whole buckets and the keys of the buckets it cuts; without buckets, all of its keys. */
  private async segments(lower: Bound, upper: Bound): Promise<Segment[]> {
    if (compareBounds(upper, lower) <= 0) return []
    const lo = boundKey(lower)
    const hi = boundKey(upper)
    if (this.buckets === undefined) {
      const keys: Uint8Array[] = []
      await this.scan(lo, hi, Number.POSITIVE_INFINITY, (key) => keys.push(key))
      return [{ from: lo, to: hi, count: keys.length, keys }]
    }
    const buckets = await this.buckets()
    const segments: Segment[] = []
    for (let i = Math.max(0, lastAtOrBefore(buckets, lo)); i < buckets.length; i++) {
      const bucket = buckets[i] as Bucket
      if (compare(bucket.first, hi) >= 0) break
      const end = buckets[i + 1]?.first
      const whole = compare(bucket.first, lo) >= 0 && end !== undefined && compare(end, hi) <= 0
      if (whole) segments.push({ from: bucket.first, to: end, count: bucket.sum.count, sum: bucket.sum })
      else {
        const from = compare(bucket.first, lo) >= 0 ? bucket.first : lo
        const to = end === undefined || compare(end, hi) > 0 ? hi : end
        const all = await this.keysOf(bucket.first, end, bucket.sum.count)
        const keys = all.slice(firstAtOrAfter(all, from), to === undefined ? all.length : firstAtOrAfter(all, to))
        segments.push({ from, to, count: keys.length, keys })
      }
    }
    return segments
  }

  /** The key at `rank` (from 0) among the segments' keys, reading a whole bucket's keys when it must. */
  private async keyAt(segments: Segment[], rank: number): Promise<Uint8Array> {
    let before = 0
    for (const segment of segments) {
      if (rank < before + segment.count) {
        // a whole bucket: its keys as the session keeps them
        segment.keys ??= await this.keysOf(segment.from, segment.to, segment.count)
        const key = segment.keys[rank - before]
        // the bucket changed under the question (entries stored meanwhile): its last key stands in
        return key ?? (segment.keys[segment.keys.length - 1] as Uint8Array)
      }
      before += segment.count
    }
    throw new RangeError(`rank ${rank} is past the range`)
  }

  /** Every key of the bucket from `first` up to `end` (the next one's first), read once for the session while its `count` stays the same. */
  private async keysOf(first: Uint8Array, end: Uint8Array | undefined, count: number): Promise<Uint8Array[]> {
    const name = `${toHex(first)}:${end === undefined ? '' : toHex(end)}:${count}`
    const kept = this.bucketKeys.get(name)
    if (kept !== undefined) return kept
    const keys: Uint8Array[] = []
    await this.scan(first, end, Number.POSITIVE_INFINITY, (key) => keys.push(key))
    if (this.bucketKeys.size >= CACHED_BUCKETS) this.bucketKeys.delete(this.bucketKeys.keys().next().value as string)
    this.bucketKeys.set(name, keys)
    return keys
  }

  async ids(lower: Bound, upper: Bound, limit: number): Promise<Uint8Array[]> {
    const ids: Uint8Array[] = []
    await this.each(lower, upper, limit, (key) => ids.push(fromOrderKey(key).id.slice()))
    return ids
  }

  /** Calls `visit` with each key in [lower, upper), in order, at most `limit` of them. */
  private async each(lower: Bound, upper: Bound, limit: number, visit: (key: Uint8Array) => void): Promise<void> {
    if (compareBounds(upper, lower) <= 0) return
    await this.scan(boundKey(lower), boundKey(upper), limit, visit)
  }

  /** Calls `visit` with each stored key in [from, to) (to the end when `to` is undefined), in order, at most `limit`. */
  private async scan(start: Uint8Array, to: Uint8Array | undefined, limit: number, visit: (key: Uint8Array) => void): Promise<void> {
    let from = start
    let seen = 0
    while (seen < limit) {
      const want = Math.min(KEYS_PAGE, limit - seen)
      const page = await this.listKeys(to === undefined ? { from, limit: want } : { from, to, limit: want })
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

/** Index of the first of the (ordered) keys at or after `key`; their length if none. */
function firstAtOrAfter(keys: readonly Uint8Array[], key: Uint8Array): number {
  let lo = 0
  let hi = keys.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (compare(keys[mid] as Uint8Array, key) < 0) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** A bound as bytes that sort among order keys where the bound falls. */
export function boundKey(b: Bound): Uint8Array {
  const prefix = fromHex(b.prefix)
  const key = new Uint8Array(8 + prefix.byteLength)
  writeClock(key, b.clock)
  key.set(prefix, 8)
  return key
}

function orderedOf(key: Uint8Array): Ordered {
  const { clock, author, id } = fromOrderKey(key)
  return { clock, authorHex: toHex(author), idHex: toHex(id) }
}
