/**
 * What of the log this device shows: the view without the entries of blocked
 * authors or of members writing while out of the group, sealed entries let in
 * as their epochs' keys arrive, and the view rebuilt from the store when what
 * it leaves out changes.
 */
import { GroupView, type ViewEntry } from '../chat/view.ts'
import { inGap } from '../group/membership-state.ts'
import type { Store } from '../store/store.ts'
import type { BodyKeys } from './admission.ts'
import type { CommittedMembership } from './committed-membership.ts'
import type { EntryIndex } from './entry-index.ts'
import type { LogEntry } from './log-entry.ts'
import { SealedEntries } from './sealed-entries.ts'
import { readStoredEntries } from './stored-entries.ts'

/** Entries read from the store per page of a rebuild. */
const REBUILD_PAGE = 500

export interface VisibleEntriesComponents {
  groupId: Uint8Array
  store: Store
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
  /** What the view leaves out changed: rebuild it once what is being added is stored. */
  rebuildDue = false
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

  /** Hides a member's entries on this device (a local choice, not written to the log); a rebuild is due if that changed anything. */
  setBlocked(blocked: Iterable<string>): void {
    const next = new Set(blocked)
    if (next.size === this.blocked.size && [...next].every((k) => this.blocked.has(k))) return
    this.blocked = next
    this.rebuildDue = true
  }

  /** Keeps a committed entry this device cannot read yet, with its encoding, until its epoch's key arrives. */
  holdSealed(node: LogEntry, bytes: Uint8Array): void {
    this.sealed.hold(node, bytes)
  }

  /** Shows the sealed entries of these epochs, whose keys just arrived; returns those now readable. */
  unseal(epochs: string[]): LogEntry[] {
    const opened = this.sealed.open(epochs, this.components.body)
    for (const node of opened) this.components.view.apply(node)
    if (opened.length > 0) this.components.unsealed(opened)
    return opened
  }

  /** Applies every stored entry to an empty view, a page at a time. */
  async rebuild(): Promise<void> {
    const { view, store, groupId, index, body } = this.components
    this.rebuildDue = false
    // built aside and swapped in whole: readers never see a view half rebuilt
    const fresh = new GroupView()
    fresh.exclude((e) => this.hidden(e))
    let after: Uint8Array | undefined
    for (;;) {
      const page = await readStoredEntries(store, groupId, body, after === undefined ? { limit: REBUILD_PAGE } : { after, limit: REBUILD_PAGE })
      if (page.next === undefined) break
      for (const e of page.entries) {
        const held = index.get(e.idHex)
        // an entry in memory with its operation keeps its object: later shown-time changes reach the view through it
        fresh.apply(held?.op !== undefined ? held : e)
      }
      after = page.next
    }
    view.replaceWith(fresh)
    this.components.rebuilt()
  }

  /** Entries the view leaves out: written by a member while out of the group, or blocked here. */
  private hidden(e: ViewEntry): boolean {
    if (this.blocked.has(e.authorHex)) return true
    const gaps = this.components.committed.state?.gaps
    return gaps !== undefined && inGap(gaps, e.authorHex, e.seq)
  }
}
