/**
 * Disappearing messages in the log: erasing the bodies of held entries whose
 * expiry has passed (chat/disappearing.ts says what expires when). The store
 * replaces each encoding with its erased form — same id, same signature, no
 * body (codec/expiring-entry-codec.ts) — and deletes the view rows and
 * search words it made; the log forgets the operation it holds in memory.
 * Erased entries stay in the DAG, so sync still serves them and a device
 * that was offline at the deadline admits what came after.
 */
import type { FileRef } from '../chat/operations.ts'
import { decodeEntry } from '../codec/entry-codec.ts'
import { erasedBytesOf } from '../codec/expiring-entry-codec.ts'
import { toHex } from '../codec/hex.ts'
import { MAX_TIME } from '../constants.ts'
import type { Store } from '../store/store.ts'
import type { EntryIndex } from './entry-index.ts'
import type { VisibleEntries } from './visible-entries.ts'

/** Entries erased per store call: one transaction each. */
const ERASE_PAGE = 500
/** Pages per sweep; what is left is erased at the next one (the scheduler comes back at once). */
const MAX_PAGES = 40

export interface LogExpiryComponents {
  groupId: Uint8Array
  store: Store
  index: EntryIndex
  visible: Pick<VisibleEntries, 'forgetSealed'>
  now: () => number
}

export class LogExpiry {
  private readonly components: LogExpiryComponents

  constructor(components: LogExpiryComponents) {
    this.components = components
  }

  /** Erases every held body whose expiry has passed; returns the hex ids erased and the files their messages carried. */
  async eraseDue(): Promise<{ ids: string[]; files: FileRef[] }> {
    const { groupId, store, index, visible } = this.components
    const now = this.components.now()
    const erasedIds: string[] = []
    const files: FileRef[] = []
    for (let page = 0; page < MAX_PAGES; page++) {
      const due = await store.expiringEntries(groupId, { until: now, limit: ERASE_PAGE })
      if (due.length === 0) break
      const messages = await store.messageRowsById(
        groupId,
        due.map((d) => d.id),
        []
      )
      for (const m of messages.messages) files.push(...(m.files ?? []))
      await store.eraseEntries(
        groupId,
        due.map((d) => ({ id: d.id, bytes: erasedBytesOf(decodeEntry(d.bytes)) }))
      )
      const ids = new Set(due.map((d) => toHex(d.id)))
      for (const idHex of ids) {
        const node = index.get(idHex)
        if (node !== undefined) node.op = undefined
        erasedIds.push(idHex)
      }
      visible.forgetSealed(ids)
      if (due.length < ERASE_PAGE) break
    }
    return { ids: erasedIds, files }
  }

  /** The soonest expiry of a body still held; undefined when none. */
  async next(): Promise<number | undefined> {
    const [first] = await this.components.store.expiringEntries(this.components.groupId, { until: MAX_TIME, limit: 1 })
    return first?.expires
  }
}
