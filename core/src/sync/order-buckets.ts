/**
 * A summary of a log's order for reconciliation, so a range's fingerprint
 * costs the buckets it covers plus the keys of at most two partial ones,
 * not a read of every key in it: the order cut into buckets of about
 * BUCKET_SIZE consecutive entries, each with its first key, its count and
 * the sum of its ids (fingerprints are sums, fingerprint.ts). Built from
 * the store at the first question (a read of every key, once per open log)
 * and kept up to date as entries are stored; ~540 bytes of heap a bucket
 * (measured), so a million entries cost ~0.5 MB. Entries after every
 * other (new messages, in the usual case) start a new bucket when the last
 * is full; a bucket grown past twice the size otherwise is cut again, from
 * the store's keys, at the next question.
 */
import { compare } from 'uint8arrays/compare'
import { idOfOrderKey, keptOrderKey } from '../log/order.ts'
import type { KeyRange } from '../store/store.ts'
import { FingerprintAccumulator } from './fingerprint.ts'

export const BUCKET_SIZE = 1024
/** Keys read per question to the store while building. */
const BUILD_PAGE = 4096

export interface Bucket {
  /** Order key of its first entry; the bucket holds the keys from it up to the next bucket's first. */
  first: Uint8Array
  sum: FingerprintAccumulator
}

export type ListKeys = (range: KeyRange) => Promise<Uint8Array[]>

export class OrderBuckets {
  private buckets: Bucket[] | undefined
  private building: Promise<Bucket[]> | undefined
  /** The greatest key counted: a key after it may start a new bucket. */
  private greatest: Uint8Array | undefined
  private readonly listKeys: ListKeys
  private readonly size: number

  constructor(listKeys: ListKeys, size = BUCKET_SIZE) {
    this.listKeys = listKeys
    this.size = size
  }

  /** The buckets, built from the store on first use, oversized ones cut again. Do not change them. */
  async current(): Promise<readonly Bucket[]> {
    if (this.buckets === undefined) {
      this.building ??= this.build()
      try {
        this.buckets = await this.building
      } finally {
        // a build that failed (the store could not be read) is tried again at the next question
        this.building = undefined
      }
    }
    const big = this.buckets.findIndex((b) => b.sum.count > 2 * this.size)
    if (big >= 0) await this.cut(big)
    return this.buckets
  }

  /** Counts entries just stored, by their order keys (in any order); nothing until the buckets are built. */
  add(keys: readonly Uint8Array[]): void {
    const buckets = this.buckets
    if (buckets === undefined) return
    let greatest = this.greatest
    for (const key of keys) {
      const after = greatest === undefined || compare(key, greatest) > 0
      if (after) greatest = key
      // after every key counted, with the last bucket full: a bucket of its own, as building would make it
      if (buckets.length === 0 || (after && (buckets[buckets.length - 1] as Bucket).sum.count >= this.size)) {
        buckets.push({ first: keptOrderKey(key), sum: new FingerprintAccumulator() })
      }
      let at = lastAtOrBefore(buckets, key)
      if (at < 0) {
        // before every bucket: the first one starts earlier now
        at = 0
        ;(buckets[0] as Bucket).first = keptOrderKey(key)
      }
      ;(buckets[at] as Bucket).sum.add(idOfOrderKey(key))
    }
    if (greatest !== undefined) this.greatest = keptOrderKey(greatest)
  }

  private async build(): Promise<Bucket[]> {
    const buckets: Bucket[] = []
    let from: Uint8Array | undefined
    for (;;) {
      const page = await this.listKeys(from === undefined ? { limit: BUILD_PAGE } : { from, limit: BUILD_PAGE })
      fill(buckets, page, this.size)
      this.greatest = page[page.length - 1] ?? this.greatest
      if (page.length < BUILD_PAGE) return buckets
      from = successor(page[page.length - 1] as Uint8Array)
    }
  }

  /** Cuts bucket `i` into buckets of `size` from the store's keys in it. */
  private async cut(i: number): Promise<void> {
    const buckets = this.buckets as Bucket[]
    const bucket = buckets[i] as Bucket
    const next = buckets[i + 1]
    const keys = await this.listKeys(next === undefined ? { from: bucket.first } : { from: bucket.first, to: next.first })
    const parts = fill([], keys, this.size)
    // keys stored meanwhile are in the store, and so in the parts
    if (parts.length > 0) buckets.splice(i, 1, ...parts)
    const last = keys[keys.length - 1]
    if (last !== undefined && (this.greatest === undefined || compare(last, this.greatest) > 0)) this.greatest = last
  }
}

/** Adds keys (in order, after those already in) to `buckets`, a new bucket each `size` keys. */
function fill(buckets: Bucket[], keys: readonly Uint8Array[], size: number): Bucket[] {
  for (const key of keys) {
    let last = buckets[buckets.length - 1]
    if (last === undefined || last.sum.count >= size) {
      last = { first: keptOrderKey(key), sum: new FingerprintAccumulator() }
      buckets.push(last)
    }
    last.sum.add(idOfOrderKey(key))
  }
  return buckets
}

/** The first byte string after `key`: a byte string sorts after its prefixes. */
export function successor(key: Uint8Array): Uint8Array {
  const next = new Uint8Array(key.byteLength + 1)
  next.set(key)
  return next
}

/** Index of the last bucket whose first key is ≤ key; -1 if none. */
export function lastAtOrBefore(buckets: readonly Bucket[], key: Uint8Array): number {
  let lo = 0
  let hi = buckets.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (compare((buckets[mid] as Bucket).first, key) <= 0) lo = mid + 1
    else hi = mid
  }
  return lo - 1
}
