/**
 * Making admitted entries part of the log: into the index (heads, authors'
 * tips, recent entries), membership and keys, the sealed entries or the
 * view; then, once their batch is stored, the
 * work that reads the store (view rows left over, shown times capped, the
 * view refreshed when what it hides changed) and the news for listeners
 * (membership changed, sealed entries opened), told only now so they read
 * a log that holds the whole batch.
 */
import type { CreateGroupOperation } from '../chat/operations.ts'
import type { StoredView } from '../chat/stored-view.ts'
import type { Entry } from '../codec/entry-codec.ts'
import { toHex } from '../codec/hex.ts'
import type { MembershipOperation } from '../group/membership-operations.ts'
import { type ListKeys, OrderBuckets } from '../sync/order-buckets.ts'
import type { Admission } from './admission.ts'
import type { CommittedMembership } from './committed-membership.ts'
import type { Accepted } from './entry-acceptance.ts'
import type { EntryIndex } from './entry-index.ts'
import type { AddResult, LogEntry } from './log-entry.ts'
import type { ShownTimes } from './shown-times.ts'
import type { VisibleEntries } from './visible-entries.ts'

export interface LogCommitsComponents {
  index: EntryIndex
  committed: CommittedMembership
  visible: VisibleEntries
  view: StoredView
  shownTimes: ShownTimes
  /** The log's keys in a range, in order: what the order summary sync reads is built from. */
  listKeys: ListKeys
  /** Tells listeners membership, roles or epochs changed. */
  membershipChanged(): void
  /** Tells listeners sealed entries became readable. */
  unsealed(entries: LogEntry[]): void
}

export class LogCommits {
  private readonly components: LogCommitsComponents
  /** The order summary sync reads (order-buckets.ts), told of entries once stored. */
  readonly buckets: OrderBuckets
  /** Told once the batch is stored, so listeners read a state that holds all of it. */
  private membershipNews = false
  private opened: LogEntry[] = []

  constructor(components: LogCommitsComponents) {
    this.components = components
    this.buckets = new OrderBuckets(components.listKeys)
  }

  /** Makes an admitted entry part of the log; `equivocation`: every id of its author at its seq, when several; `key`: its order key, if made already. */
  commit(admission: Admission, entry: Entry, result: AddResult, equivocation?: string[], key?: Uint8Array): LogEntry {
    const { index, visible, view } = this.components
    const node = admission.node
    index.insert(node, entry.parents.map(toHex))
    if (equivocation !== undefined) result.equivocations.push(index.chains.equivocation(node.authorHex, node.seq, equivocation))
    if (node.sealed) visible.holdSealed(node, entry.bytes)
    if (admission.membership !== undefined) this.membershipChanged(node, admission.membership)
    else if (node.op !== undefined) view.note(node, key)
    return node
  }

  /** Work on stored entries after a batch: view rows left, shown times capped (fresh entries), then the view refreshed if due. */
  async settle(accepted: Accepted[], fresh: boolean): Promise<void> {
    const { view, shownTimes, visible } = this.components
    // rows left (sealed entries opened by this batch's keys, after it was stored) go now
    await view.flush(fresh)
    if (fresh) {
      this.buckets.add(accepted.map((a) => a.key))
      for (const { entry, node } of accepted) await shownTimes.cap(node, entry.parents)
    }
    if (visible.rebuildDue) await visible.rebuild()
    const opened = this.opened
    this.opened = []
    if (opened.length > 0) this.components.unsealed(opened)
    if (this.membershipNews) {
      this.membershipNews = false
      this.components.membershipChanged()
    }
  }

  private membershipChanged(node: LogEntry, op: MembershipOperation | CreateGroupOperation): void {
    const { committed, visible, view } = this.components
    if (op.type === 'create') view.note(node)
    const change = committed.record(node, op)
    this.opened.push(...visible.unseal(change.learned))
    // a removal hides what the removed member wrote unseen; the view is refreshed once the batch is stored
    if (change.gapsChanged) visible.rebuildDue = true
    this.membershipNews = true
  }
}
