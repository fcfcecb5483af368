/**
 * What a sync session needs of the log it reconciles: the key both sides
 * prove they hold, its order keys by range (and its bucket summary, when it
 * keeps one), its entries by id, and a way to take the entries the peer
 * pushes. A member's GroupLog is one; a relay's mailbox (relay/src/mailbox)
 * is another, which holds the sealed entries of a group it cannot read and
 * proves a capability derived for that purpose instead of the group secret.
 */

import type { PreparedBatch } from '../log/batch-intake.ts'
import type { KeyRange } from '../store/store.ts'
import type { Bucket } from './order-buckets.ts'

export interface SyncedAddResult {
  added: readonly unknown[]
  rejected: ReadonlyArray<{ error: unknown }>
}

export interface SyncedLog {
  /** The key both sides prove they hold before anything of the log is sent (membership-proof.ts). */
  readonly syncKey: Uint8Array
  listKeys(range: KeyRange): Promise<Uint8Array[]>
  orderBuckets?(): Promise<readonly Bucket[]>
  getEntries(ids: Uint8Array[]): Promise<Array<Uint8Array | undefined>>
  /** Starts the first look at entries ahead of their add, so it overlaps the batch before (GroupLog.prepare). */
  prepare?(entries: Uint8Array[]): PreparedBatch
  add(entries: Uint8Array[], options: { source: 'sync'; prepared?: PreparedBatch }): Promise<SyncedAddResult>
}
