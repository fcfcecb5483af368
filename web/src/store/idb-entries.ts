/**
 * The log's half of the IndexedDB store: entries with their facts (store
 * `entries`, primary key [group, order key], so listing in order is a range
 * of the store itself), heads, each author's highest seq, each group's
 * count and the equivocations, kept by `insertEntries` in the transaction
 * that stores the entries, so that reading any of them costs what it
 * returns, never a pass over the history.
 */
import { type EntryFacts, fromOrderKey, type KeyRange, type ListEntriesOptions, type StoredEntry, type StoredFacts, toHex } from '@causette/core'
import type { Connection } from './idb-connection.ts'
import { entryRecord, storedFactsOf, withFacts } from './idb-entry-records.ts'
import { type Bytes, bytesOf, compact, heldKeys, keyBytes, startingWith, within } from './idb-ranges.ts'
import type { EntryRecord, StoreName, WriteTransaction } from './idb-schema.ts'

/** The stores insertEntries writes. */
export const ENTRY_STORES: StoreName[] = ['entries', 'heads', 'author-seqs', 'entry-counts', 'equivocations']

type Page = Array<{ key: Uint8Array; bytes: Uint8Array }>

/**
 * Stores the entries not yet held, in `tx`, with the heads, seqs, count and
 * equivocations they change, worked out for the whole batch: an entry with
 * a child in the batch is never written as a head. Requests are issued
 * together and awaited together: a batch costs three round trips, not
 * three per entry.
 */
export async function insertEntries(tx: WriteTransaction, groupId: Uint8Array, entries: readonly StoredEntry[]): Promise<void> {
  if (entries.length === 0) return
  const group = compact(groupId)
  const store = tx.objectStore('entries')
  const seqStore = tx.objectStore('author-seqs')
  const unique = [...new Map(entries.map((e) => [toHex(e.id), e])).values()]
  const authors = new Map(unique.map((e) => [toHex(e.author), compact(e.author)]))
  const [held, seqs, count] = await Promise.all([
    // by order key, which holds the id
    heldKeys(
      store,
      group,
      unique.map((e) => e.key)
    ),
    Promise.all([...authors.values()].map((author) => seqStore.get([group, author]))),
    tx.objectStore('entry-counts').get(group)
  ])
  const added = unique.filter((_, i) => !held[i])
  if (added.length === 0) return
  const highest = new Map([...authors].map(([hex, author], i) => [hex, { author, seq: seqs[i]?.seq ?? -1, raised: false }]))
  const writes: Array<Promise<unknown>> = []
  const parents = new Map<string, Bytes>()
  const forked = new Map<string, { author: Bytes; seq: number }>()
  for (const e of added) {
    writes.push(store.put(entryRecord(group, e)))
    for (const parent of e.parents) parents.set(toHex(parent), keyBytes(parent))
    const h = highest.get(toHex(e.author)) as { author: Bytes; seq: number; raised: boolean }
    // a seq already held under another id: an equivocation, looked up below
    if (e.seq <= h.seq) forked.set(`${toHex(e.author)}:${e.seq}`, { author: h.author, seq: e.seq })
    else {
      h.seq = e.seq
      h.raised = true
    }
  }
  const heads = tx.objectStore('heads')
  const addedIds = new Set(added.map((e) => toHex(e.id)))
  // a parent stored in this batch was never written as a head
  for (const [hex, parent] of parents) if (!addedIds.has(hex)) writes.push(heads.delete([group, parent]))
  for (const e of added) if (!parents.has(toHex(e.id))) writes.push(heads.put(true, [group, compact(e.id)]))
  for (const h of highest.values()) if (h.raised) writes.push(seqStore.put({ author: h.author, seq: h.seq }, [group, h.author]))
  writes.push(tx.objectStore('entry-counts').put((count ?? 0) + added.length, group))
  const forks = [...forked.values()]
  const [keys] = await Promise.all([Promise.all(forks.map((f) => store.index('by-seq').getAllKeys([group, f.author, f.seq]))), Promise.all(writes)])
  const equivocations = tx.objectStore('equivocations')
  const noted: Array<Promise<unknown>> = []
  forks.forEach((f, i) => {
    const ids = (keys[i] ?? []).map(([, key]) => compact(fromOrderKey(bytesOf(key)).id))
    if (ids.length > 1) for (const id of ids) noted.push(equivocations.put(true, [group, f.author, f.seq, id]))
  })
  await Promise.all(noted)
}

/** Entries, their facts and what an opening log reads, from the IndexedDB store. */
export class IdbEntries {
  private readonly connection: Connection

  constructor(connection: Connection) {
    this.connection = connection
  }

  async getEntries(group: Uint8Array, ids: Uint8Array[]): Promise<Array<Uint8Array | undefined>> {
    return (await this.records(group, ids)).map((r) => r?.bytes)
  }

  async listEntries(group: Uint8Array, options: ListEntriesOptions = {}): Promise<Page> {
    this.connection.assertOpen()
    const range = within([group], { from: options.after, fromOpen: true })
    if (range === undefined || options.limit === 0) return []
    const records = await this.connection.read(['entries'], (tx) => tx.objectStore('entries').getAll(range, options.limit))
    return records.map((r) => ({ key: r.key, bytes: r.bytes }))
  }

  async heads(group: Uint8Array): Promise<Uint8Array[]> {
    const keys = await this.connection.read(['heads'], (tx) => tx.objectStore('heads').getAllKeys(startingWith(group)))
    return keys.map(([, id]) => bytesOf(id))
  }

  async authorSeqs(group: Uint8Array): Promise<Map<string, number>> {
    const seqs = await this.connection.read(['author-seqs'], (tx) => tx.objectStore('author-seqs').getAll(startingWith(group)))
    return new Map(seqs.map((s) => [toHex(s.author), s.seq]))
  }

  async countEntries(group: Uint8Array): Promise<number> {
    return (await this.connection.read(['entry-counts'], (tx) => tx.objectStore('entry-counts').get(keyBytes(group)))) ?? 0
  }

  async hasEntries(group: Uint8Array, ids: Uint8Array[]): Promise<boolean[]> {
    const g = keyBytes(group)
    const keys = await this.connection.read(['entries'], (tx) =>
      Promise.all(
        ids.map((id) =>
          tx
            .objectStore('entries')
            .index('by-id')
            .getKey([g, keyBytes(id)])
        )
      )
    )
    return keys.map((key) => key !== undefined)
  }

  async getFacts(group: Uint8Array, ids: Uint8Array[]): Promise<Array<StoredFacts | undefined>> {
    return (await this.records(group, ids)).map((r) => (r?.facts === undefined ? undefined : storedFactsOf(r, r.facts)))
  }

  /** Relaxed: a lowered shown time, or facts filled in on opening, are worked out again if a crash loses them. */
  async putFacts(group: Uint8Array, facts: Array<EntryFacts & { id: Uint8Array }>): Promise<void> {
    this.connection.assertOpen()
    if (facts.length === 0) return
    const g = keyBytes(group)
    await this.connection.write(['entries'], false, async (tx) => {
      const store = tx.objectStore('entries')
      const records = await Promise.all(facts.map((f) => store.index('by-id').get([g, keyBytes(f.id)])))
      const writes = records.flatMap((r, i) => {
        if (r === undefined) return []
        const { id: _, ...only } = facts[i] as EntryFacts & { id: Uint8Array }
        return [store.put(withFacts(r, only))]
      })
      await Promise.all(writes)
    })
  }

  async lacksFacts(group: Uint8Array): Promise<boolean> {
    return (await this.connection.read(['entries'], (tx) => tx.objectStore('entries').index('lacking').getKey(keyBytes(group)))) !== undefined
  }

  async idsAt(group: Uint8Array, author: Uint8Array, seq: number): Promise<Uint8Array[]> {
    const at: [Bytes, Bytes, number] = [keyBytes(group), keyBytes(author), seq]
    const keys = await this.connection.read(['entries'], (tx) => tx.objectStore('entries').index('by-seq').getAllKeys(at))
    return keys.map(([, key]) => fromOrderKey(bytesOf(key)).id)
  }

  async listKeys(group: Uint8Array, range: KeyRange = {}): Promise<Uint8Array[]> {
    this.connection.assertOpen()
    const keys = within([group], { from: range.from, to: range.to, toOpen: true })
    if (keys === undefined || range.limit === 0) return []
    const found = await this.connection.read(['entries'], (tx) => tx.objectStore('entries').getAllKeys(keys, range.limit))
    return found.map(([, key]) => bytesOf(key))
  }

  async listMembership(group: Uint8Array): Promise<Page> {
    const records = await this.connection.read(['entries'], (tx) => tx.objectStore('entries').index('membership').getAll(keyBytes(group)))
    return records.map((r) => ({ key: r.key, bytes: r.bytes }))
  }

  async listEpoch(group: Uint8Array, epoch: string, options: ListEntriesOptions): Promise<Page> {
    this.connection.assertOpen()
    const range = within([group, epoch], { from: options.after, fromOpen: true })
    if (range === undefined || options.limit === 0) return []
    const records = await this.connection.read(['entries'], (tx) => tx.objectStore('entries').index('by-epoch').getAll(range, options.limit))
    return records.map((r) => ({ key: r.key, bytes: r.bytes }))
  }

  async equivocations(group: Uint8Array): Promise<Array<{ author: Uint8Array; seq: number; ids: Uint8Array[] }>> {
    const keys = await this.connection.read(['equivocations'], (tx) => tx.objectStore('equivocations').getAllKeys(startingWith(group)))
    const found: Array<{ author: Uint8Array; seq: number; ids: Uint8Array[] }> = []
    for (const [, authorKey, seq, id] of keys) {
      const author = bytesOf(authorKey)
      const last = found.at(-1)
      if (last !== undefined && last.seq === seq && indexedDB.cmp(last.author, author) === 0) last.ids.push(bytesOf(id))
      else found.push({ author, seq, ids: [bytesOf(id)] })
    }
    return found
  }

  private async records(group: Uint8Array, ids: Uint8Array[]): Promise<Array<EntryRecord | undefined>> {
    const g = keyBytes(group)
    return this.connection.read(['entries'], (tx) =>
      Promise.all(
        ids.map((id) =>
          tx
            .objectStore('entries')
            .index('by-id')
            .get([g, keyBytes(id)])
        )
      )
    )
  }
}
