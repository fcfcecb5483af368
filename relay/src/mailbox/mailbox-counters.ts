/**
 * What the mailbox counts for /metrics: entries stored and served, syncs
 * answered, and refusals by reason — of entries (malformed, oversize,
 * forged, wrong group, over the author's rate, over quota) and of requests
 * to keep a group (not an admin, the relay full, a capability replaced).
 */
import { refusalReason } from './mailbox-errors.ts'

export type KeepRefusal = 'not-admin' | 'full' | 'replaced' | 'other-group'

export class MailboxCounters {
  entriesStored = 0
  /** Of those, entries that came by the groups' gossip (mailbox-gossip.ts) rather than a member's sync. */
  gossipStored = 0
  entriesServed = 0
  syncs = 0
  syncsFailed = 0
  /** Bodies of disappearing messages erased at their deadline. */
  erased = 0
  /** Pieces of files members handed to the mailbox. */
  blobsKept = 0
  readonly entryRefusals = new Map<string, number>()
  readonly keepRefusals = new Map<string, number>()

  stored(n: number): void {
    this.entriesStored += n
  }

  served(n: number): void {
    this.entriesServed += n
  }

  refused(err: Error): void {
    const reason = refusalReason(err)
    this.entryRefusals.set(reason, (this.entryRefusals.get(reason) ?? 0) + 1)
  }

  keepRefused(reason: KeepRefusal): void {
    this.keepRefusals.set(reason, (this.keepRefusals.get(reason) ?? 0) + 1)
  }
}
