/**
 * The three questions reconciliation asks of a replica's entries, by ranges
 * of the log's order rather than positions in an array, so an engine that
 * keeps the order on disk (fingerprint buckets in a store) can answer them as
 * well as the in-memory order does (ordered-ranges.ts); hence the promises. A range [lower, upper)
 * holds the entries e with lower ≤ e < upper (bounds.ts).
 */
import type { Bound } from './bounds.ts'

export interface RangeSummary {
  /** Entries in the range. */
  count: number
  /** Their fingerprint (fingerprint.ts). */
  fingerprint: Uint8Array
}

export interface SyncRanges {
  fingerprint(lower: Bound, upper: Bound): Promise<RangeSummary>
  /** Bounds, rising strictly, that cut [lower, upper) into `parts` ranges of about equal count (fewer when it holds fewer entries); `upper` itself is not among them. */
  split(lower: Bound, upper: Bound, parts: number): Promise<Bound[]>
  /** Ids in [lower, upper), in order; at most `limit`. */
  ids(lower: Bound, upper: Bound, limit: number): Promise<Uint8Array[]>
}
