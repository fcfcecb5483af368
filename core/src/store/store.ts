/**
 * Storage as the group log needs it. One interface, several engines (memory
 * for tests, SQLite in Node, IndexedDB in browsers), all held to the same
 * conformance suite in test/core/store-conformance.ts.
 *
 * Contract:
 * - `putEntries` is idempotent, receives entries in causal order (parents
 *   first, as the log accepts them) and resolves only once they are durable.
 * - Entries are listed in the total order, by their `key` (see log/order.ts),
 *   compared as bytes.
 * - heads are the stored entries no stored entry names as a parent.
 */
import type { Entry } from '../codec/entry-codec.ts'
import { orderKey } from '../log/order.ts'

export interface StoredEntry {
  id: Uint8Array
  /** Order key: clock, author, id (log/order.ts). */
  key: Uint8Array
  author: Uint8Array
  seq: number
  parents: Uint8Array[]
  /** The canonical encoding. */
  bytes: Uint8Array
}

export interface GroupRecord {
  id: Uint8Array
  secret: Uint8Array
  /** Last known name, so a list of groups shows without opening each log. */
  name: string
  /** When this device joined or created the group (ms). */
  addedAt: number
}

export interface ListEntriesOptions {
  /** Only entries whose order key is greater than this one. */
  after?: Uint8Array
  limit?: number
}

export interface Store {
  putEntries(group: Uint8Array, entries: StoredEntry[]): Promise<void>
  /** The encodings of the entries with these ids; undefined where not held. */
  getEntries(group: Uint8Array, ids: Uint8Array[]): Promise<Array<Uint8Array | undefined>>
  /** Entries in order, one page at a time. */
  listEntries(group: Uint8Array, options?: ListEntriesOptions): Promise<Array<{ key: Uint8Array; bytes: Uint8Array }>>
  /** Ids of the head entries, sorted bytewise. */
  heads(group: Uint8Array): Promise<Uint8Array[]>
  /** Highest seq held per author (hex key). */
  authorSeqs(group: Uint8Array): Promise<Map<string, number>>
  countEntries(group: Uint8Array): Promise<number>

  putGroup(record: GroupRecord): Promise<void>
  getGroup(id: Uint8Array): Promise<GroupRecord | undefined>
  /** Groups in the order they were added. */
  listGroups(): Promise<GroupRecord[]>
  /** Forgets a group and all of its entries. */
  deleteGroup(id: Uint8Array): Promise<void>

  close(): Promise<void>
}

/** What a store keeps of a decoded entry. */
export function storedEntryOf(entry: Entry): StoredEntry {
  return { id: entry.id, key: orderKey(entry), author: entry.author, seq: entry.seq, parents: entry.parents, bytes: entry.bytes }
}
