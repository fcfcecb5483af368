/**
 * The view rows of the memory store (see "The view as rows" in store.ts):
 * per group, messages sorted by order key, change rows by the message they
 * name, and every register row. Hidden ranges are applied as rows are read.
 * Rows are copied in and out, so neither side's later changes reach the other.
 */

import { compare } from 'uint8arrays/compare'
import { textHasWords } from '../chat/search-words.ts'
import type { ChangeRow, HiddenRange, MessageRow, MessageRows, PinRow, RegisterRow, ViewRow } from '../chat/view-rows.ts'
import { rowHidden } from '../chat/view-rows.ts'
import { fromHex, toHex } from '../codec/hex.ts'
import { searchKey } from './keyed-search.ts'
import type { MessageRowsOptions, SearchRowsOptions } from './store.ts'

interface GroupRows {
  /** Sorted by key. */
  messages: MessageRow[]
  byId: Map<string, MessageRow>
  /** Target hex id: change rows by their key (hex). */
  changes: Map<string, Map<string, ChangeRow>>
  /** Key hex + ' ' + name: register rows. */
  registers: Map<string, RegisterRow>
}

export class MemoryView {
  private readonly groups = new Map<string, GroupRows>()

  put(group: Uint8Array, rows: readonly ViewRow[]): void {
    const g = this.rowsOf(group)
    for (const row of rows) {
      if (row.kind === 'message') {
        const id = toHex(row.id)
        if (g.byId.has(id)) continue
        const copy = copyMessage(row)
        g.byId.set(id, copy)
        g.messages.splice(searchKey(g.messages, row.key), 0, copy)
      } else if (row.kind === 'register') {
        const at = `${toHex(row.key)} ${row.name}`
        if (!g.registers.has(at)) g.registers.set(at, { ...row })
      } else {
        const target = toHex(row.target)
        let list = g.changes.get(target)
        if (list === undefined) {
          list = new Map()
          g.changes.set(target, list)
        }
        const at = toHex(row.key)
        if (!list.has(at)) list.set(at, copyChange(row))
      }
    }
  }

  messages(group: Uint8Array, options: MessageRowsOptions): MessageRows {
    const g = this.groups.get(toHex(group))
    if (g === undefined) return { messages: [], changes: [], hasOlder: false }
    const picked: MessageRow[] = []
    let i = options.before === undefined ? g.messages.length : searchKey(g.messages, options.before)
    let hasOlder = false
    while (--i >= 0) {
      const m = g.messages[i] as MessageRow
      if (rowHidden(options.hidden, m)) continue
      if (picked.length === options.limit) {
        hasOlder = true
        break
      }
      picked.push(m)
    }
    picked.reverse()
    return { messages: picked.map(copyMessage), changes: this.changesOf(g, picked, options.hidden), hasOlder }
  }

  messagesById(group: Uint8Array, ids: readonly Uint8Array[], hidden: readonly HiddenRange[]): MessageRows {
    const g = this.groups.get(toHex(group))
    if (g === undefined) return { messages: [], changes: [], hasOlder: false }
    const picked = new Map<string, MessageRow>()
    for (const id of ids) {
      const hex = toHex(id)
      const m = g.byId.get(hex)
      if (m !== undefined && !rowHidden(hidden, m)) picked.set(hex, m)
    }
    const inOrder = [...picked.values()].sort((a, b) => compare(a.key, b.key))
    return { messages: inOrder.map(copyMessage), changes: this.changesOf(g, inOrder, hidden), hasOlder: false }
  }

  messagesAfter(group: Uint8Array, options: { after: Uint8Array; limit: number; hidden: readonly HiddenRange[] }): MessageRows {
    const g = this.groups.get(toHex(group))
    if (g === undefined) return { messages: [], changes: [], hasOlder: false }
    const picked: MessageRow[] = []
    for (let i = searchKey(g.messages, options.after, true); i < g.messages.length && picked.length < options.limit; i++) {
      const m = g.messages[i] as MessageRow
      if (!rowHidden(options.hidden, m)) picked.push(m)
    }
    return { messages: picked.map(copyMessage), changes: this.changesOf(g, picked, options.hidden), hasOlder: false }
  }

  count(group: Uint8Array, hidden: readonly HiddenRange[]): number {
    return (this.groups.get(toHex(group))?.messages ?? []).filter((m) => !rowHidden(hidden, m)).length
  }

  ids(group: Uint8Array, range: { from: Uint8Array; to?: Uint8Array; limit: number }): Uint8Array[] {
    const { from, to, limit } = range
    const ids = [...(this.groups.get(toHex(group))?.byId.keys() ?? [])].map((hex) => fromHex(hex)).sort(compare)
    return ids.filter((id) => compare(id, from) >= 0 && (to === undefined || compare(id, to) < 0)).slice(0, limit)
  }

  /** The reference answer: every message row, or edit row naming one, whose text holds the words. */
  search(words: readonly string[], options: SearchRowsOptions): Array<{ group: Uint8Array; id: Uint8Array }> {
    const found: Array<{ group: Uint8Array; message: MessageRow }> = []
    for (const [hex, g] of this.groups) {
      if (options.group !== undefined && hex !== toHex(options.group)) continue
      for (const m of g.messages) {
        const edits = [...(g.changes.get(toHex(m.id))?.values() ?? [])].filter((c) => c.kind === 'edit')
        if (textHasWords(m.text, words) || edits.some((c) => textHasWords(c.text, words))) found.push({ group: fromHex(hex), message: m })
      }
    }
    const byKey = (a: MessageRow, b: MessageRow) => compare(b.key, a.key)
    found.sort(
      options.group === undefined ? (a, b) => b.message.time - a.message.time || byKey(a.message, b.message) : (a, b) => byKey(a.message, b.message)
    )
    return found.slice(options.offset, options.offset + options.limit).map(({ group, message }) => ({ group, id: message.id.slice() }))
  }

  /** Every visible register row: the memory store keeps no index that would make fewer cheaper. */
  registers(group: Uint8Array, hidden: readonly HiddenRange[]): RegisterRow[] {
    const g = this.groups.get(toHex(group))
    if (g === undefined) return []
    return [...g.registers.values()].filter((r) => !rowHidden(hidden, r)).map((r) => ({ ...r }))
  }

  /** Every visible pin row: the memory store keeps no index that would make fewer cheaper. */
  pins(group: Uint8Array, hidden: readonly HiddenRange[]): PinRow[] {
    const pins: PinRow[] = []
    for (const list of this.groups.get(toHex(group))?.changes.values() ?? []) {
      for (const c of list.values()) if (c.kind === 'pin' && !rowHidden(hidden, c)) pins.push({ ...c })
    }
    return pins
  }

  setShownTimes(group: Uint8Array, times: ReadonlyArray<{ id: Uint8Array; shownTime: number }>): void {
    const g = this.groups.get(toHex(group))
    for (const { id, shownTime } of times) {
      const m = g?.byId.get(toHex(id))
      if (m !== undefined) m.shownTime = shownTime
    }
  }

  /** Deletes the rows made by the entries with these order keys, and the change rows naming a message so deleted. */
  erase(group: Uint8Array, keys: readonly Uint8Array[]): void {
    const g = this.groups.get(toHex(group))
    if (g === undefined) return
    const gone = new Set(keys.map(toHex))
    const ids = new Set<string>()
    g.messages = g.messages.filter((m) => {
      if (!gone.has(toHex(m.key))) return true
      ids.add(toHex(m.id))
      return false
    })
    for (const id of ids) {
      g.byId.delete(id)
      g.changes.delete(id)
    }
    for (const list of g.changes.values()) for (const at of [...list.keys()]) if (gone.has(at)) list.delete(at)
    for (const [at, row] of [...g.registers]) if (gone.has(toHex(row.key))) g.registers.delete(at)
  }

  deleteGroup(group: Uint8Array): void {
    this.groups.delete(toHex(group))
  }

  /** Message rows per author (hex). */
  messageCounts(group: Uint8Array): Map<string, number> {
    const counts = new Map<string, number>()
    for (const m of this.groups.get(toHex(group))?.messages ?? []) counts.set(m.author, (counts.get(m.author) ?? 0) + 1)
    return counts
  }

  private changesOf(g: GroupRows, messages: readonly MessageRow[], hidden: readonly HiddenRange[]): ChangeRow[] {
    const changes: ChangeRow[] = []
    for (const m of messages) {
      for (const c of g.changes.get(toHex(m.id))?.values() ?? []) if (!rowHidden(hidden, c)) changes.push(copyChange(c))
    }
    return changes
  }

  private rowsOf(group: Uint8Array): GroupRows {
    const hex = toHex(group)
    let g = this.groups.get(hex)
    if (g === undefined) {
      g = { messages: [], byId: new Map(), changes: new Map(), registers: new Map() }
      this.groups.set(hex, g)
    }
    return g
  }
}

function copyMessage(m: MessageRow): MessageRow {
  const copy = { ...m, mentions: [...m.mentions] }
  if (m.poll !== undefined) copy.poll = { options: [...m.poll.options], multiple: m.poll.multiple }
  if (m.files !== undefined) copy.files = m.files.map((f) => ({ ...f }))
  return copy
}

function copyChange(c: ChangeRow): ChangeRow {
  return c.kind === 'vote' ? { ...c, choices: [...c.choices] } : { ...c }
}
