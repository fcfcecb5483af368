/**
 * What of the log this device shows: the view without the entries of blocked
 * authors or of members writing while out of the group (ranges passed to
 * every read of the stored view), and sealed entries let in as their epochs'
 * keys arrive.
 */

import type { ViewEntry } from '../chat/message-types.ts'
import type { StoredView } from '../chat/stored-view.ts'
import { type HiddenRange, hiddenRangesOf } from '../chat/view-rows.ts'
import { inGap } from '../group/membership-state.ts'
import type { BodyKeys } from './admission.ts'
import type { CommittedMembership } from './committed-membership.ts'
import type { LogEntry } from './log-entry.ts'
import { SealedEntries } from './sealed-entries.ts'

export interface VisibleEntriesComponents {
  view: StoredView
  committed: CommittedMembership
  /** The keys and cipher sealed bodies open with. */
  body: BodyKeys
  /** Tells listeners the view was rebuilt from scratch. */
  rebuilt(): void
}

export class VisibleEntries {
  /** What the view leaves out changed: rebuild it once what is being added is stored. */
  rebuildDue = false
  private readonly sealed = new SealedEntries()
  private blocked = new Set<string>()
  private readonly components: VisibleEntriesComponents

  constructor(components: VisibleEntriesComponents) {
    this.components = components
  }

  /** Entries this device cannot read yet (no epoch key) that it would show: not those the view leaves out anyway. */
  get sealedCount(): number {
    return this.sealed.entries().filter((node) => !this.hidden(node)).length
  }

  /** Hides a member's entries on this device (a local choice, not written to the log); the view is refreshed if that changed anything. */
  async setBlocked(blocked: Iterable<string>): Promise<void> {
    const next = new Set(blocked)
    if (next.size === this.blocked.size && [...next].every((k) => this.blocked.has(k))) return
    this.blocked = next
    await this.rebuild()
  }

  /** Keeps a committed entry this device cannot read yet, with its encoding, until its epoch's key arrives. */
  holdSealed(node: LogEntry, bytes: Uint8Array): void {
    this.sealed.hold(node, bytes)
  }

  /** Forgets sealed entries whose bodies were erased. */
  forgetSealed(ids: ReadonlySet<string>): void {
    this.sealed.forget(ids)
  }

  /** Shows the sealed entries of these epochs, whose keys just arrived; returns those now readable. */
  unseal(epochs: string[]): LogEntry[] {
    const opened = this.sealed.open(epochs, this.components.body)
    for (const node of opened) this.components.view.note(node)
    return opened
  }

  /** What the view leaves out changed: its registers are read again (reads of messages pass the new ranges). */
  async rebuild(): Promise<void> {
    this.rebuildDue = false
    await this.components.view.refresh()
    this.components.rebuilt()
  }

  /** What every read of the view leaves out: each removal gap, and every entry of a blocked member. */
  hiddenRanges(): HiddenRange[] {
    return hiddenRangesOf(this.components.committed.state?.gaps ?? new Map(), this.blocked)
  }

  /** Entries the view leaves out: written by a member while out of the group, or blocked here. */
  private hidden(e: ViewEntry): boolean {
    if (this.blocked.has(e.authorHex)) return true
    const gaps = this.components.committed.state?.gaps
    return gaps !== undefined && inGap(gaps, e.authorHex, e.seq)
  }
}
