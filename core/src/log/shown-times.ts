/**
 * Capping shown times: an entry's shown time is never later than that of
 * any entry written after it (see LogEntry.shownTime), so a writer whose
 * clock runs ahead cannot date a message into the future once anyone has
 * answered it. A new entry lowers its ancestors' shown times to its own
 * where theirs are later; the walk goes up only where times are out of
 * order, usually nowhere, reading ancestors' facts from the store when they
 * are no longer in memory, and writing the lowered times back.
 */
import type { StoredView } from '../chat/stored-view.ts'
import { fromHex, toHex } from '../codec/hex.ts'
import type { Store } from '../store/store.ts'
import type { EntryIndex } from './entry-index.ts'
import type { LogEntry } from './log-entry.ts'

export interface ShownTimesComponents {
  groupId: Uint8Array
  store: Store
  index: EntryIndex
  view: StoredView
}

export class ShownTimes {
  private readonly components: ShownTimesComponents

  constructor(components: ShownTimesComponents) {
    this.components = components
  }

  /** Lowers the shown times of `node`'s ancestors (parents given) to its time where theirs are later. Its batch must be stored. */
  async cap(node: LogEntry, parents: readonly Uint8Array[]): Promise<void> {
    const { groupId, store, index, view } = this.components
    const work = parents.map(toHex)
    const seen = new Set<string>()
    while (work.length > 0) {
      const hex = work.pop() as string
      if (seen.has(hex)) continue
      seen.add(hex)
      const held = index.get(hex)
      // the usual case: the parent is in memory and already no later
      if (held !== undefined && held.shownTime <= node.time) continue
      const [facts] = await store.getFacts(groupId, [fromHex(hex)])
      if (facts === undefined || facts.shownTime <= node.time) continue
      const { id: _id, author: _author, seq: _seq, clock: _clock, parents: above, ...stored } = facts
      await store.putFacts(groupId, [{ ...stored, id: facts.id, shownTime: node.time }])
      if (held !== undefined) held.shownTime = node.time
      await view.lowerShownTime(hex, node.time)
      work.push(...above.map(toHex))
    }
  }
}
