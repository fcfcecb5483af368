/**
 * The Store engine of the web app: core's Store on the browser's IndexedDB
 * through `idb`, held to the same conformance suite as the memory and
 * SQLite stores (test/web/idb-store.test.ts runs it in Chromium). This
 * file holds the class, the group records and the writes that span the log
 * and the view; entries are idb-entries.ts, view rows idb-view.ts, word
 * search idb-search.ts, the database's stores idb-schema.ts, transactions
 * and their failures idb-connection.ts. docs/web-app.md says why it is
 * built so.
 *
 * ```ts
 * const store = await IndexedDbStore.open()
 * store.setDurableAuthor(deviceKey.publicKey)
 * ```
 */
import type {
  AuthorActivity,
  EntryFacts,
  ExpiringEntry,
  GroupRecord,
  HiddenRange,
  KeyRange,
  ListEntriesOptions,
  MessageRows,
  MessageRowsOptions,
  PinRow,
  RegisterRow,
  SearchRowsOptions,
  Store,
  StoredEntry,
  StoredFacts,
  ViewRow
} from '@causette/core'
import { toHex } from '@causette/core'
import { IndexedDbBlobStore } from './idb-blobs.ts'
import { Connection } from './idb-connection.ts'
import { ENTRY_STORES, IdbEntries, insertEntries } from './idb-entries.ts'
import { eraseEntries, expiringEntries } from './idb-erasure.ts'
import { compact, keyBytes, startingWith } from './idb-ranges.ts'
import { DEFAULT_DB_NAME, type GroupValue } from './idb-schema.ts'
import { IdbSearch } from './idb-search.ts'
import { deleteRows, IdbView, putRows, VIEW_STORES } from './idb-view.ts'

type Page = Array<{ key: Uint8Array; bytes: Uint8Array }>

export class IndexedDbStore implements Store {
  /** The database's name: one per browser profile and site, 'causette' unless a test asks for another. */
  readonly name: string
  private readonly connection: Connection
  private readonly entries: IdbEntries
  private readonly view: IdbView
  private readonly search: IdbSearch
  /** The files' blobs, in the same database (idb-blobs.ts): core's `blobs` option. */
  readonly blobs: IndexedDbBlobStore
  private durableAuthor: string | undefined

  /**
   * Opens the database `name`, creating or upgrading it. Rejects with
   * StoreTooNewError when a newer Causette wrote it, StorageFullError when
   * the browser has no room even to create it.
   */
  static async open(name: string = DEFAULT_DB_NAME): Promise<IndexedDbStore> {
    return new IndexedDbStore(name, await Connection.open(name))
  }

  /** Deletes the database `name` and everything in it, once every store open on it is closed. */
  static async delete(name: string = DEFAULT_DB_NAME): Promise<void> {
    await Connection.delete(name)
  }

  private constructor(name: string, connection: Connection) {
    this.name = name
    this.connection = connection
    this.entries = new IdbEntries(connection)
    this.view = new IdbView(connection)
    this.search = new IdbSearch(connection)
    this.blobs = new IndexedDbBlobStore(connection)
  }

  /**
   * Names this device's key: from now on only writes holding an entry (or
   * a view row) of this author commit with strict durability, on disk
   * before they resolve; others' are relaxed, since sync fetches again what
   * a crash loses of them. Until it is called, every write is strict.
   */
  setDurableAuthor(author: Uint8Array): void {
    this.durableAuthor = toHex(author)
  }

  async putEntries(group: Uint8Array, entries: StoredEntry[], view: ViewRow[] = []): Promise<void> {
    this.connection.assertOpen()
    if (entries.length === 0 && view.length === 0) return
    const own = this.durableAuthor
    const durable = own === undefined || entries.some((e) => toHex(e.author) === own) || view.some((r) => r.author === own)
    const stores = entries.length === 0 ? VIEW_STORES : [...ENTRY_STORES, ...VIEW_STORES]
    await this.connection.write(stores, durable, async (tx) => {
      await Promise.all([insertEntries(tx, group, entries), putRows(tx, group, view)])
    })
  }

  expiringEntries(group: Uint8Array, options: { until: number; limit: number }): Promise<ExpiringEntry[]> {
    return expiringEntries(this.connection, group, options)
  }

  eraseEntries(group: Uint8Array, erased: Array<{ id: Uint8Array; bytes: Uint8Array }>): Promise<void> {
    return eraseEntries(this.connection, group, erased)
  }

  async putViewRows(group: Uint8Array, rows: ViewRow[]): Promise<void> {
    await this.putEntries(group, [], rows)
  }

  getEntries(group: Uint8Array, ids: Uint8Array[]): Promise<Array<Uint8Array | undefined>> {
    return this.entries.getEntries(group, ids)
  }

  listEntries(group: Uint8Array, options?: ListEntriesOptions): Promise<Page> {
    return this.entries.listEntries(group, options)
  }

  heads(group: Uint8Array): Promise<Uint8Array[]> {
    return this.entries.heads(group)
  }

  authorSeqs(group: Uint8Array): Promise<Map<string, number>> {
    return this.entries.authorSeqs(group)
  }

  countEntries(group: Uint8Array): Promise<number> {
    return this.entries.countEntries(group)
  }

  hasEntries(group: Uint8Array, ids: Uint8Array[]): Promise<boolean[]> {
    return this.entries.hasEntries(group, ids)
  }

  getFacts(group: Uint8Array, ids: Uint8Array[]): Promise<Array<StoredFacts | undefined>> {
    return this.entries.getFacts(group, ids)
  }

  putFacts(group: Uint8Array, facts: Array<EntryFacts & { id: Uint8Array }>): Promise<void> {
    return this.entries.putFacts(group, facts)
  }

  lacksFacts(group: Uint8Array): Promise<boolean> {
    return this.entries.lacksFacts(group)
  }

  idsAt(group: Uint8Array, author: Uint8Array, seq: number): Promise<Uint8Array[]> {
    return this.entries.idsAt(group, author, seq)
  }

  listKeys(group: Uint8Array, range?: KeyRange): Promise<Uint8Array[]> {
    return this.entries.listKeys(group, range)
  }

  listMembership(group: Uint8Array): Promise<Page> {
    return this.entries.listMembership(group)
  }

  listEpoch(group: Uint8Array, epoch: string, options: ListEntriesOptions): Promise<Page> {
    return this.entries.listEpoch(group, epoch, options)
  }

  equivocations(group: Uint8Array): Promise<Array<{ author: Uint8Array; seq: number; ids: Uint8Array[] }>> {
    return this.entries.equivocations(group)
  }

  authorActivity(group: Uint8Array): Promise<Map<string, AuthorActivity>> {
    return this.view.authorActivity(group)
  }

  /** An update keeps the group's place in the list and the time it was first added. */
  async putGroup(record: GroupRecord): Promise<void> {
    await this.connection.write(['groups'], true, async (tx) => {
      const groups = tx.objectStore('groups')
      const [existing, last] = await Promise.all([groups.get(keyBytes(record.id)), groups.index('by-position').openKeyCursor(null, 'prev')])
      const position = existing?.position ?? (last?.key ?? 0) + 1
      const value: GroupValue = {
        id: compact(record.id),
        secret: compact(record.secret),
        name: record.name,
        addedAt: existing?.addedAt ?? record.addedAt,
        position
      }
      await groups.put(value)
    })
  }

  async getGroup(id: Uint8Array): Promise<GroupRecord | undefined> {
    const value = await this.connection.read(['groups'], (tx) => tx.objectStore('groups').get(keyBytes(id)))
    return value === undefined ? undefined : groupRecordOf(value)
  }

  async listGroups(): Promise<GroupRecord[]> {
    return (await this.connection.read(['groups'], (tx) => tx.objectStore('groups').index('by-position').getAll())).map(groupRecordOf)
  }

  /** The group's record, entries and view rows, in one transaction. */
  async deleteGroup(id: Uint8Array): Promise<void> {
    // the group's files go with it
    await this.connection.write([...ENTRY_STORES, ...VIEW_STORES, 'groups', 'blobs', 'blob-sizes'], true, async (tx) => {
      const ranged = [...ENTRY_STORES.filter((name) => name !== 'entry-counts'), 'blobs' as const]
      await Promise.all([
        ...ranged.map((name) => tx.objectStore(name).delete(startingWith(id))),
        tx.objectStore('entry-counts').delete(keyBytes(id)),
        tx.objectStore('groups').delete(keyBytes(id)),
        this.blobs.forgetGroup(tx, id),
        deleteRows(tx, id)
      ])
    })
  }

  /** Later calls reject with StoreClosedError; transactions under way finish first. */
  async close(): Promise<void> {
    this.connection.close()
  }

  messageRows(group: Uint8Array, options: MessageRowsOptions): Promise<MessageRows> {
    return this.view.messageRows(group, options)
  }

  messageRowsById(group: Uint8Array, ids: readonly Uint8Array[], hidden: readonly HiddenRange[]): Promise<MessageRows> {
    return this.view.messageRowsById(group, ids, hidden)
  }

  registerRows(group: Uint8Array, hidden: readonly HiddenRange[]): Promise<RegisterRow[]> {
    return this.view.registerRows(group, hidden)
  }

  pinRows(group: Uint8Array, hidden: readonly HiddenRange[]): Promise<PinRow[]> {
    return this.view.pinRows(group, hidden)
  }

  setShownTimes(group: Uint8Array, times: Array<{ id: Uint8Array; shownTime: number }>): Promise<void> {
    return this.view.setShownTimes(group, times)
  }

  messageRowsAfter(group: Uint8Array, options: { after: Uint8Array; limit: number; hidden: readonly HiddenRange[] }): Promise<MessageRows> {
    return this.view.messageRowsAfter(group, options)
  }

  countMessageRows(group: Uint8Array, hidden: readonly HiddenRange[]): Promise<number> {
    return this.view.countMessageRows(group, hidden)
  }

  messageIds(group: Uint8Array, range: { from: Uint8Array; to?: Uint8Array; limit: number }): Promise<Uint8Array[]> {
    return this.view.messageIds(group, range)
  }

  searchMessageRows(words: readonly string[], options: SearchRowsOptions): Promise<Array<{ group: Uint8Array; id: Uint8Array }>> {
    return this.search.candidates(words, options)
  }
}

function groupRecordOf(value: GroupValue): GroupRecord {
  return { id: value.id, secret: value.secret, name: value.name, addedAt: value.addedAt }
}
