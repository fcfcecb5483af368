/**
 * The store as the daemon hands it to CausettePeer.create: the same store,
 * except that it lists no groups. CausettePeer.create opens every group it
 * lists before returning, silently; with nothing listed the daemon goes
 * online and answers its API at once, then opens each group itself with
 * progress (Daemon.openGroups), serving history from the message index
 * meanwhile: each page of a log it loads is short and lets the event loop
 * turn first.
 */
import type { GroupRecord, ListEntriesOptions, Store, StoredEntry } from '@causette/core'

/**
 * Pages no longer than this: a page of a log being opened takes ~10 ms to
 * load, so an API request waits about that long, not the ~100 ms of the
 * 2,000-entry pages GroupLog.open asks for. A shorter page is still a page:
 * the log asks for the next one after its last key.
 */
const MAX_PAGE = 250

export class DeferredGroupsStore implements Store {
  private readonly store: Store

  constructor(store: Store) {
    this.store = store
  }

  async listGroups(): Promise<GroupRecord[]> {
    return []
  }

  putEntries(group: Uint8Array, entries: StoredEntry[]): Promise<void> {
    return this.store.putEntries(group, entries)
  }

  getEntries(group: Uint8Array, ids: Uint8Array[]): Promise<Array<Uint8Array | undefined>> {
    return this.store.getEntries(group, ids)
  }

  async listEntries(group: Uint8Array, options: ListEntriesOptions = {}): Promise<Array<{ key: Uint8Array; bytes: Uint8Array }>> {
    // a group log loads page by page through here: let the API answer between pages
    await new Promise((resolve) => setImmediate(resolve))
    return this.store.listEntries(group, { ...options, limit: Math.min(options.limit ?? MAX_PAGE, MAX_PAGE) })
  }

  heads(group: Uint8Array): Promise<Uint8Array[]> {
    return this.store.heads(group)
  }

  authorSeqs(group: Uint8Array): Promise<Map<string, number>> {
    return this.store.authorSeqs(group)
  }

  countEntries(group: Uint8Array): Promise<number> {
    return this.store.countEntries(group)
  }

  putGroup(record: GroupRecord): Promise<void> {
    return this.store.putGroup(record)
  }

  getGroup(id: Uint8Array): Promise<GroupRecord | undefined> {
    return this.store.getGroup(id)
  }

  deleteGroup(id: Uint8Array): Promise<void> {
    return this.store.deleteGroup(id)
  }

  /** The daemon closes the real store itself, after the peer has stopped. */
  async close(): Promise<void> {}
}
