/** A Store held in memory: for tests and simulations, never for data a person keeps. */
import { compare } from 'uint8arrays/compare'
import type { HiddenRange, MessageRows, PinRow, RegisterRow, ViewRow } from '../chat/view-rows.ts'
import { toHex } from '../codec/hex.ts'
import { StoreClosedError } from '../errors.ts'
import { fromOrderKey } from '../log/order.ts'
import { searchKey } from './keyed-search.ts'
import { MemoryView } from './memory-view.ts'
import type {
  AuthorActivity,
  EntryFacts,
  ExpiringEntry,
  GroupRecord,
  KeyRange,
  ListEntriesOptions,
  MessageRowsOptions,
  SearchRowsOptions,
  Store,
  StoredEntry,
  StoredFacts
} from './store.ts'

interface GroupEntries {
  byId: Map<string, StoredEntry>
  /** Sorted by key. */
  ordered: StoredEntry[]
  heads: Map<string, Uint8Array>
  seqs: Map<string, number>
  /** Author hex + ':' + seq: ids. */
  bySeq: Map<string, Uint8Array[]>
}

export class MemoryStore implements Store {
  private readonly groups = new Map<string, GroupRecord>()
  private readonly entries = new Map<string, GroupEntries>()
  private readonly view = new MemoryView()
  private closed = false

  async putEntries(group: Uint8Array, entries: StoredEntry[], view?: ViewRow[]): Promise<void> {
    this.assertOpen()
    if (view !== undefined && view.length > 0) await this.putViewRows(group, view)
    const g = this.entriesOf(group)
    const added: Array<[string, StoredEntry]> = []
    const parents = new Set<string>()
    for (const e of entries) {
      const idHex = toHex(e.id)
      if (g.byId.has(idHex)) continue
      const copy: StoredEntry = { ...e }
      if (e.facts !== undefined) copy.facts = { ...e.facts }
      g.byId.set(idHex, copy)
      insertSorted(g.ordered, copy)
      added.push([idHex, e])
      for (const p of e.parents) parents.add(toHex(p))
      const authorHex = toHex(e.author)
      const at = `${authorHex}:${e.seq}`
      g.bySeq.set(at, [...(g.bySeq.get(at) ?? []), e.id])
      if ((g.seqs.get(authorHex) ?? 0) < e.seq) g.seqs.set(authorHex, e.seq)
    }
    // an entry with a child anywhere in the batch is no head, whatever the order the batch lists them in
    for (const p of parents) g.heads.delete(p)
    for (const [idHex, e] of added) if (!parents.has(idHex)) g.heads.set(idHex, e.id)
  }

  async getEntries(group: Uint8Array, ids: Uint8Array[]): Promise<Array<Uint8Array | undefined>> {
    this.assertOpen()
    const g = this.entries.get(toHex(group))
    return ids.map((id) => g?.byId.get(toHex(id))?.bytes)
  }

  async listEntries(group: Uint8Array, options: ListEntriesOptions = {}): Promise<Array<{ key: Uint8Array; bytes: Uint8Array }>> {
    this.assertOpen()
    const g = this.entries.get(toHex(group))
    if (g === undefined) return []
    const start = options.after === undefined ? 0 : searchKey(g.ordered, options.after, true)
    const end = options.limit === undefined ? g.ordered.length : Math.min(g.ordered.length, start + options.limit)
    return g.ordered.slice(start, end).map((e) => ({ key: e.key, bytes: e.bytes }))
  }

  async heads(group: Uint8Array): Promise<Uint8Array[]> {
    this.assertOpen()
    return [...(this.entries.get(toHex(group))?.heads.values() ?? [])].sort(compare)
  }

  async authorSeqs(group: Uint8Array): Promise<Map<string, number>> {
    this.assertOpen()
    return new Map(this.entries.get(toHex(group))?.seqs ?? [])
  }

  async countEntries(group: Uint8Array): Promise<number> {
    this.assertOpen()
    return this.entries.get(toHex(group))?.byId.size ?? 0
  }

  async hasEntries(group: Uint8Array, ids: Uint8Array[]): Promise<boolean[]> {
    this.assertOpen()
    const g = this.entries.get(toHex(group))
    return ids.map((id) => g?.byId.has(toHex(id)) === true)
  }

  async getFacts(group: Uint8Array, ids: Uint8Array[]): Promise<Array<StoredFacts | undefined>> {
    this.assertOpen()
    const g = this.entries.get(toHex(group))
    return ids.map((id) => {
      const e = g?.byId.get(toHex(id))
      if (e?.facts === undefined) return undefined
      return { ...e.facts, id: e.id, author: e.author, seq: e.seq, clock: fromOrderKey(e.key).clock, parents: e.parents }
    })
  }

  async putFacts(group: Uint8Array, facts: Array<EntryFacts & { id: Uint8Array }>): Promise<void> {
    this.assertOpen()
    const g = this.entries.get(toHex(group))
    for (const { id, ...f } of facts) {
      const e = g?.byId.get(toHex(id))
      if (e !== undefined) e.facts = f
    }
  }

  async lacksFacts(group: Uint8Array): Promise<boolean> {
    this.assertOpen()
    return this.entries.get(toHex(group))?.ordered.some((e) => e.facts === undefined) === true
  }

  async idsAt(group: Uint8Array, author: Uint8Array, seq: number): Promise<Uint8Array[]> {
    this.assertOpen()
    return [...(this.entries.get(toHex(group))?.bySeq.get(`${toHex(author)}:${seq}`) ?? [])]
  }

  async listKeys(group: Uint8Array, range: KeyRange = {}): Promise<Uint8Array[]> {
    this.assertOpen()
    const list = this.entries.get(toHex(group))?.ordered ?? []
    const start = range.from === undefined ? 0 : searchKey(list, range.from)
    const keys: Uint8Array[] = []
    const limit = range.limit ?? list.length
    for (let i = start; i < list.length && keys.length < limit; i++) {
      const key = (list[i] as StoredEntry).key
      if (range.to !== undefined && compare(key, range.to) >= 0) break
      keys.push(key)
    }
    return keys
  }

  async listMembership(group: Uint8Array): Promise<Array<{ key: Uint8Array; bytes: Uint8Array }>> {
    this.assertOpen()
    const list = this.entries.get(toHex(group))?.ordered ?? []
    return list.filter((e) => e.facts?.membership === true).map((e) => ({ key: e.key, bytes: e.bytes }))
  }

  async listEpoch(group: Uint8Array, epoch: string, options: ListEntriesOptions): Promise<Array<{ key: Uint8Array; bytes: Uint8Array }>> {
    this.assertOpen()
    const list = this.entries.get(toHex(group))?.ordered ?? []
    const start = options.after === undefined ? 0 : searchKey(list, options.after, true)
    const found: Array<{ key: Uint8Array; bytes: Uint8Array }> = []
    for (let i = start; i < list.length && found.length < (options.limit ?? list.length); i++) {
      const e = list[i] as StoredEntry
      if (e.facts?.epoch === epoch) found.push({ key: e.key, bytes: e.bytes })
    }
    return found
  }

  async equivocations(group: Uint8Array): Promise<Array<{ author: Uint8Array; seq: number; ids: Uint8Array[] }>> {
    this.assertOpen()
    const g = this.entries.get(toHex(group))
    const found: Array<{ author: Uint8Array; seq: number; ids: Uint8Array[] }> = []
    for (const ids of g?.bySeq.values() ?? []) {
      if (ids.length < 2) continue
      const first = g?.byId.get(toHex(ids[0] as Uint8Array)) as StoredEntry
      found.push({ author: first.author, seq: first.seq, ids: [...ids].sort(compare) })
    }
    return found
  }

  async authorActivity(group: Uint8Array): Promise<Map<string, AuthorActivity>> {
    this.assertOpen()
    const activity = new Map<string, AuthorActivity>()
    for (const [author, messages] of this.view.messageCounts(group)) activity.set(author, { messages, lastActive: 0 })
    for (const e of this.entries.get(toHex(group))?.ordered ?? []) {
      if (e.facts === undefined) continue
      const author = toHex(e.author)
      const a = activity.get(author) ?? { messages: 0, lastActive: 0 }
      a.lastActive = Math.max(a.lastActive, e.facts.time)
      activity.set(author, a)
    }
    return activity
  }

  async expiringEntries(group: Uint8Array, options: { until: number; limit: number }): Promise<ExpiringEntry[]> {
    this.assertOpen()
    const due = (this.entries.get(toHex(group))?.ordered ?? []).filter((e) => e.expires !== undefined && e.expires <= options.until)
    due.sort((a, b) => (a.expires as number) - (b.expires as number) || compare(a.key, b.key))
    return due.slice(0, options.limit).map((e) => ({ id: e.id, key: e.key, bytes: e.bytes, expires: e.expires as number }))
  }

  async eraseEntries(group: Uint8Array, erased: Array<{ id: Uint8Array; bytes: Uint8Array }>): Promise<void> {
    this.assertOpen()
    const g = this.entries.get(toHex(group))
    const keys: Uint8Array[] = []
    for (const { id, bytes } of erased) {
      const e = g?.byId.get(toHex(id))
      if (e === undefined) continue
      e.bytes = bytes.slice()
      delete e.expires
      keys.push(e.key)
    }
    this.view.erase(group, keys)
  }

  async putGroup(record: GroupRecord): Promise<void> {
    this.assertOpen()
    const existing = this.groups.get(toHex(record.id))
    // keep insertion order stable when a record is updated
    this.groups.set(toHex(record.id), { ...record, addedAt: existing?.addedAt ?? record.addedAt })
  }

  async getGroup(id: Uint8Array): Promise<GroupRecord | undefined> {
    this.assertOpen()
    return this.groups.get(toHex(id))
  }

  async listGroups(): Promise<GroupRecord[]> {
    this.assertOpen()
    return [...this.groups.values()]
  }

  async deleteGroup(id: Uint8Array): Promise<void> {
    this.assertOpen()
    this.groups.delete(toHex(id))
    this.entries.delete(toHex(id))
    this.view.deleteGroup(id)
  }

  async close(): Promise<void> {
    this.closed = true
  }

  // the view as rows (memory-view.ts)

  async putViewRows(group: Uint8Array, rows: ViewRow[]): Promise<void> {
    this.assertOpen()
    this.view.put(group, rows)
  }

  async messageRows(group: Uint8Array, options: MessageRowsOptions): Promise<MessageRows> {
    this.assertOpen()
    return this.view.messages(group, options)
  }

  async messageRowsById(group: Uint8Array, ids: readonly Uint8Array[], hidden: readonly HiddenRange[]): Promise<MessageRows> {
    this.assertOpen()
    return this.view.messagesById(group, ids, hidden)
  }

  async registerRows(group: Uint8Array, hidden: readonly HiddenRange[]): Promise<RegisterRow[]> {
    this.assertOpen()
    return this.view.registers(group, hidden)
  }

  async pinRows(group: Uint8Array, hidden: readonly HiddenRange[]): Promise<PinRow[]> {
    this.assertOpen()
    return this.view.pins(group, hidden)
  }

  async setShownTimes(group: Uint8Array, times: Array<{ id: Uint8Array; shownTime: number }>): Promise<void> {
    this.assertOpen()
    this.view.setShownTimes(group, times)
  }

  async messageRowsAfter(group: Uint8Array, options: { after: Uint8Array; limit: number; hidden: readonly HiddenRange[] }): Promise<MessageRows> {
    this.assertOpen()
    return this.view.messagesAfter(group, options)
  }

  async countMessageRows(group: Uint8Array, hidden: readonly HiddenRange[]): Promise<number> {
    this.assertOpen()
    return this.view.count(group, hidden)
  }

  async messageIds(group: Uint8Array, range: { from: Uint8Array; to?: Uint8Array; limit: number }): Promise<Uint8Array[]> {
    this.assertOpen()
    return this.view.ids(group, range)
  }

  async searchMessageRows(words: readonly string[], options: SearchRowsOptions): Promise<Array<{ group: Uint8Array; id: Uint8Array }>> {
    this.assertOpen()
    return this.view.search(words, options)
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreClosedError()
  }

  private entriesOf(group: Uint8Array): GroupEntries {
    const hex = toHex(group)
    let g = this.entries.get(hex)
    if (g === undefined) {
      g = { byId: new Map(), ordered: [], heads: new Map(), seqs: new Map(), bySeq: new Map() }
      this.entries.set(hex, g)
    }
    return g
  }
}

function insertSorted(list: StoredEntry[], e: StoredEntry): void {
  list.splice(searchKey(list, e.key), 0, e)
}
