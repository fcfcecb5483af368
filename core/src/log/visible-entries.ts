/**
 * What of the log this device shows: the view without the entries of blocked
 * authors or of members writing while out of the group, sealed entries let in
 * as their epochs' keys arrive, and the view rebuilt from the log when what it
 * leaves out changes.
 */
import type { GroupView, ViewEntry } from '../chat/view.ts'
import { inGap } from '../group/membership-state.ts'
import type { BodyKeys } from './admission.ts'
import type { CommittedMembership } from './committed-membership.ts'
import type { EntryIndex } from './entry-index.ts'
import type { LogEntry } from './log-entry.ts'
import { SealedEntries } from './sealed-entries.ts'

export interface VisibleEntriesComponents {
  view: GroupView
  index: EntryIndex
  committed: CommittedMembership
  /** The keys and cipher sealed bodies open with. */
  body: BodyKeys
  /** Tells listeners sealed entries became readable. */
  unsealed(entries: LogEntry[]): void
  /** Tells listeners the view was rebuilt from scratch. */
  rebuilt(): void
}

export class VisibleEntries {
  private readonly sealed = new SealedEntries()
  private blocked = new Set<string>()
  private readonly components: VisibleEntriesComponents

  constructor(components: VisibleEntriesComponents) {
    this.components = components
    components.view.exclude((e) => this.hidden(e))
  }

  /** Entries this device cannot read yet (no epoch key) that it would show: not those the view leaves out anyway. */
  get sealedCount(): number {
    return this.sealed.entries().filter((node) => !this.hidden(node)).length
  }

  /** Hides a member's entries on this device (a local choice, not written to the log). */
  setBlocked(blocked: Iterable<string>): void {
    this.blocked = new Set(blocked)
    this.rebuild()
  }

  /** Keeps a committed entry this device cannot read yet, with its encoding, until its epoch's key arrives. */
  holdSealed(node: LogEntry, bytes: Uint8Array): void {
    this.sealed.hold(node, bytes)
  }

  /** Shows the sealed entries of these epochs, whose keys just arrived. */
  unseal(epochs: string[]): void {
    const opened = this.sealed.open(epochs, this.components.body)
    for (const node of opened) this.components.view.apply(node)
    if (opened.length > 0) this.components.unsealed(opened)
  }

  rebuild(): void {
    const { view, index } = this.components
    view.reset()
    for (const node of index.entries()) if (node.op !== undefined) view.apply(node)
    this.components.rebuilt()
  }

  /** Entries the view leaves out: written by a member while out of the group, or blocked here. */
  private hidden(e: ViewEntry): boolean {
    if (this.blocked.has(e.authorHex)) return true
    const gaps = this.components.committed.state?.gaps
    return gaps !== undefined && inGap(gaps, e.authorHex, e.seq)
  }
}
