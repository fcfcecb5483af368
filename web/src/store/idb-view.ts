/**
 * The view as rows in the IndexedDB store (store.ts, "The view as rows"):
 * message rows in store `messages` under [group, order key], so a page is
 * a cursor over a range (backwards for history); change rows found by the
 * message they name; register rows under [group, name, author, key], so
 * the latest of each is the last of its run. Hidden ranges are applied as
 * rows are read, never written into them. Each author's count of message
 * rows is kept as rows are added, so counting reads one record per author
 * plus what hidden ranges cover.
 */
import {
  AUTHOR_REGISTERS,
  type AuthorActivity,
  type ChangeRow,
  GROUP_REGISTERS,
  type HiddenRange,
  isHidden,
  type MessageRows,
  type MessageRowsOptions,
  type PinRow,
  type RegisterRow,
  toHex,
  type ViewRow
} from '@causette/core'
import type { Connection } from './idb-connection.ts'
import { type Bytes, bytesOf, compact, heldKeys, keyBytes, startingWith, within } from './idb-ranges.ts'
import { changeRecord, changeRowOf, messageRecord, messageRowOf, registerRecord, registerRowOf } from './idb-rows.ts'
import type { MessageRecord, StoreName, Transaction, WriteTransaction } from './idb-schema.ts'

/** The stores putRows writes. */
export const VIEW_STORES: StoreName[] = ['messages', 'changes', 'registers', 'message-counts']

const NO_ROWS: MessageRows = { messages: [], changes: [], hasOlder: false }

/**
 * Stores rows in `tx`, idempotently: a message row by its id (counted once),
 * a change row by its key, a register row by (name, author, key); a row
 * stored again is the same row.
 */
export async function putRows(tx: WriteTransaction, groupId: Uint8Array, rows: readonly ViewRow[]): Promise<void> {
  if (rows.length === 0) return
  const group = compact(groupId)
  const messages = tx.objectStore('messages')
  const counts = tx.objectStore('message-counts')
  const fresh = [...new Map(rows.flatMap((r) => (r.kind === 'message' ? [[toHex(r.id), r] as const] : []))).values()]
  const authors = [...new Set(fresh.map((m) => m.author))]
  const [held, counted] = await Promise.all([
    // by order key, which holds the id
    heldKeys(
      messages,
      group,
      fresh.map((m) => m.key)
    ),
    Promise.all(authors.map((author) => counts.get([group, author])))
  ])
  const before = new Map(authors.map((author, i) => [author, counted[i] ?? 0]))
  const after = new Map(before)
  const writes: Array<Promise<unknown>> = []
  fresh.forEach((m, i) => {
    if (held[i]) return
    writes.push(messages.put(messageRecord(group, m)))
    after.set(m.author, (after.get(m.author) ?? 0) + 1)
  })
  for (const [author, n] of after) if (n !== before.get(author)) writes.push(counts.put(n, [group, author]))
  for (const r of rows) {
    if (r.kind === 'register') writes.push(tx.objectStore('registers').put(registerRecord(group, r)))
    else if (r.kind !== 'message') writes.push(tx.objectStore('changes').put(changeRecord(group, r)))
  }
  await Promise.all(writes)
}

/** Deletes a group's rows (and so their words) in `tx`. */
export async function deleteRows(tx: WriteTransaction, group: Uint8Array): Promise<void> {
  await Promise.all(VIEW_STORES.map((name) => tx.objectStore(name).delete(startingWith(group))))
}

export class IdbView {
  private readonly connection: Connection

  constructor(connection: Connection) {
    this.connection = connection
  }

  async messageRows(group: Uint8Array, options: MessageRowsOptions): Promise<MessageRows> {
    const range = within([group], { to: options.before, toOpen: true })
    return this.connection.read(['messages', 'changes'], async (tx) => {
      if (range === undefined) return NO_ROWS
      const picked: MessageRecord[] = []
      let hasOlder = false
      for (let cursor = await tx.objectStore('messages').openCursor(range, 'prev'); cursor !== null; cursor = await cursor.continue()) {
        if (isHidden(options.hidden, cursor.value.author, cursor.value.seq)) continue
        if (picked.length === options.limit) {
          hasOlder = true
          break
        }
        picked.push(cursor.value)
      }
      picked.reverse()
      return { messages: picked.map(messageRowOf), changes: await changesOf(tx, group, picked, options.hidden), hasOlder }
    })
  }

  async messageRowsById(group: Uint8Array, ids: readonly Uint8Array[], hidden: readonly HiddenRange[]): Promise<MessageRows> {
    return this.connection.read(['messages', 'changes'], async (tx) => {
      const byId = tx.objectStore('messages').index('by-id')
      const distinct = new Map(ids.map((id) => [toHex(id), id]))
      const found = await Promise.all([...distinct.values()].map((id) => byId.get([keyBytes(group), keyBytes(id)])))
      const picked = found.filter((m): m is MessageRecord => m !== undefined && !isHidden(hidden, m.author, m.seq))
      // in log order: keys compare as IndexedDB compares them, byte by byte
      picked.sort((a, b) => indexedDB.cmp(a.key, b.key))
      return { messages: picked.map(messageRowOf), changes: await changesOf(tx, group, picked, hidden), hasOlder: false }
    })
  }

  async messageRowsAfter(group: Uint8Array, options: { after: Uint8Array; limit: number; hidden: readonly HiddenRange[] }): Promise<MessageRows> {
    const range = within([group], { from: options.after, fromOpen: true })
    return this.connection.read(['messages', 'changes'], async (tx) => {
      if (range === undefined || options.limit <= 0) return NO_ROWS
      const picked: MessageRecord[] = []
      for (let cursor = await tx.objectStore('messages').openCursor(range); cursor !== null; cursor = await cursor.continue()) {
        if (isHidden(options.hidden, cursor.value.author, cursor.value.seq)) continue
        picked.push(cursor.value)
        if (picked.length === options.limit) break
      }
      return { messages: picked.map(messageRowOf), changes: await changesOf(tx, group, picked, options.hidden), hasOlder: false }
    })
  }

  /** Each author's count, less the rows of each hidden range, counted once however the ranges overlap. */
  async countMessageRows(group: Uint8Array, hidden: readonly HiddenRange[]): Promise<number> {
    return this.connection.read(['messages', 'message-counts'], async (tx) => {
      const byAuthor = tx.objectStore('messages').index('by-author')
      const ranges = mergedRanges(hidden).flatMap(
        (h) => within([group, h.author], { from: h.after, fromOpen: true, to: h.until, toOpen: true }) ?? []
      )
      const [counts, covered] = await Promise.all([
        tx.objectStore('message-counts').getAll(startingWith(group)),
        Promise.all(ranges.map((range) => byAuthor.count(range)))
      ])
      return counts.reduce((sum, n) => sum + n, 0) - covered.reduce((sum, n) => sum + n, 0)
    })
  }

  async messageIds(group: Uint8Array, range: { from: Uint8Array; to?: Uint8Array; limit: number }): Promise<Uint8Array[]> {
    const ids = within([group], { from: range.from, to: range.to, toOpen: true })
    return this.connection.read(['messages'], async (tx) => {
      const found: Uint8Array[] = []
      if (ids === undefined || range.limit <= 0) return found
      for (let cursor = await tx.objectStore('messages').index('by-id').openKeyCursor(ids); cursor !== null; cursor = await cursor.continue()) {
        found.push(bytesOf(cursor.key[1]))
        if (found.length === range.limit) break
      }
      return found
    })
  }

  /** The latest visible row of each group register, and of each (register, author) of the per-author ones. */
  async registerRows(group: Uint8Array, hidden: readonly HiddenRange[]): Promise<RegisterRow[]> {
    return this.connection.read(['registers'], async (tx) => {
      const store = tx.objectStore('registers')
      const latest = GROUP_REGISTERS.map(async (name) => {
        let cursor = await store.index('latest').openCursor(startingWith(group, name), 'prev')
        while (cursor !== null && isHidden(hidden, cursor.value.author, cursor.value.seq)) cursor = await cursor.continue()
        return cursor === null ? [] : [registerRowOf(cursor.value)]
      })
      // per author: the last row of the author's run, then a jump to the run before it
      const perAuthor = AUTHOR_REGISTERS.map(async (name) => {
        const rows: RegisterRow[] = []
        let cursor = await store.openCursor(startingWith(group, name), 'prev')
        while (cursor !== null) {
          const r = cursor.value
          if (name === 'display-name' || !isHidden(hidden, r.author, r.seq)) {
            rows.push(registerRowOf(r))
            cursor = await cursor.continue([keyBytes(group), name, r.author] as unknown as [Bytes, string, string, Bytes])
          } else {
            cursor = await cursor.continue()
          }
        }
        return rows
      })
      return (await Promise.all([...latest, ...perAuthor])).flat()
    })
  }

  /** Every visible pin row of the group, through the sparse index 'pins' (pins are few: no latest-per-message pass here). */
  async pinRows(group: Uint8Array, hidden: readonly HiddenRange[]): Promise<PinRow[]> {
    return this.connection.read(['changes'], async (tx) => {
      const pins = await tx.objectStore('changes').index('pins').getAll(keyBytes(group))
      return pins.flatMap((c) => {
        const row = changeRowOf(c)
        return row.kind !== 'pin' || isHidden(hidden, c.author, c.seq) ? [] : [row]
      })
    })
  }

  /** Relaxed: a lost shown time is lowered again from the entries' facts. */
  async setShownTimes(group: Uint8Array, times: Array<{ id: Uint8Array; shownTime: number }>): Promise<void> {
    this.connection.assertOpen()
    if (times.length === 0) return
    await this.connection.write(['messages'], false, async (tx) => {
      const messages = tx.objectStore('messages')
      const held = await Promise.all(times.map((t) => messages.index('by-id').get([keyBytes(group), keyBytes(t.id)])))
      await Promise.all(
        held.flatMap((m, i) => (m === undefined ? [] : [messages.put({ ...m, shownTime: (times[i] as { shownTime: number }).shownTime })]))
      )
    })
  }

  /** Message rows per author (the kept counts) and the latest claimed time of the author's entries with facts. */
  async authorActivity(group: Uint8Array): Promise<Map<string, AuthorActivity>> {
    return this.connection.read(['message-counts', 'author-seqs', 'entries'], async (tx) => {
      const byTime = tx.objectStore('entries').index('by-time')
      const counts = tx.objectStore('message-counts')
      const [authors, countKeys, countValues] = await Promise.all([
        tx.objectStore('author-seqs').getAll(startingWith(group)),
        counts.getAllKeys(startingWith(group)),
        counts.getAll(startingWith(group))
      ])
      const times = await Promise.all(authors.map(({ author }) => byTime.openKeyCursor(startingWith(group, author), 'prev')))
      const activity = new Map<string, AuthorActivity>()
      countKeys.forEach(([, author], i) => {
        activity.set(author, { messages: countValues[i] ?? 0, lastActive: 0 })
      })
      authors.forEach(({ author }, i) => {
        const cursor = times[i]
        if (cursor === null || cursor === undefined) return
        const hex = toHex(author)
        activity.set(hex, { messages: activity.get(hex)?.messages ?? 0, lastActive: cursor.key[2] })
      })
      return activity
    })
  }
}

/** The visible change rows naming these messages. */
async function changesOf(
  tx: Transaction,
  group: Uint8Array,
  messages: readonly MessageRecord[],
  hidden: readonly HiddenRange[]
): Promise<ChangeRow[]> {
  const byTarget = tx.objectStore('changes').index('by-target')
  const found = await Promise.all(messages.map((m) => byTarget.getAll([keyBytes(group), m.id])))
  return found.flat().flatMap((c) => (isHidden(hidden, c.author, c.seq) ? [] : [changeRowOf(c)]))
}

/** The ranges with those of one author that overlap or touch joined, so that no seq is in two. */
function mergedRanges(hidden: readonly HiddenRange[]): HiddenRange[] {
  const sorted = [...hidden].sort((a, b) => (a.author < b.author ? -1 : a.author > b.author ? 1 : a.after - b.after))
  const out: HiddenRange[] = []
  for (const h of sorted) {
    const last = out.at(-1)
    // (after, until) holds seqs after+1 .. until-1: the next range overlaps if its first seq is before until
    if (last !== undefined && last.author === h.author && h.after + 1 < last.until) last.until = Math.max(last.until, h.until)
    else out.push({ ...h })
  }
  return out
}
