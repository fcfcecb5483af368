/**
 * The view rows of the SQLite store (core's chat/view-rows.ts; tables of
 * migrations 7, 10, 12 and 13 in schema.ts): writing them, reading a page
 * of messages, one message, the registers or the pins, with the reader's
 * hidden ranges left out by the query itself, and deleting what an erased
 * entry made. Rows map to columns in view-columns.ts. SqliteStore owns the
 * transactions and the write-behind (sqlite-store.ts); this file only runs
 * statements.
 *
 * Hidden ranges travel as one JSON parameter, turned into a small table
 * once per statement (the `hidden` CTE) that every row is checked against:
 * nothing is rewritten when a member is blocked or a gap opens. Messages
 * are paged by order key, newest first, reading one more than asked to
 * learn whether older ones exist.
 */
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite'
import {
  type ChangeRow,
  fromHex,
  type HiddenRange,
  type MessageRow,
  type MessageRows,
  type MessageRowsOptions,
  ORDER_KEY_BYTES,
  type PinRow,
  type RegisterRow,
  toHex,
  type ViewRow
} from '@causette/core'
import { idIs, MESSAGE_OF_ENTRY } from './id-prefix.ts'
import {
  CHANGE_COLUMNS,
  type ChangeColumns,
  changeOf,
  changeValues,
  MESSAGE_COLUMNS,
  type MessageColumns,
  messageOf,
  messageValues,
  type RegisterColumns
} from './view-columns.ts'

/** Sorts after every order key: BLOBs compare as memcmp, then longer last. */
const AFTER_ALL_KEYS = new Uint8Array(ORDER_KEY_BYTES + 1).fill(0xff)

/** The hidden ranges (JSON: [[author hex, after, until], ...]) as a table, computed once per statement. */
const HIDDEN = `hidden (author, after, until) AS MATERIALIZED (
  SELECT unhex(value ->> 0), value ->> 1, value ->> 2 FROM json_each(:hidden))`

/** Whether the row `t` is in a hidden range. */
const hiddenRow = (t: string): string => `EXISTS (SELECT 1 FROM hidden h WHERE h.author = ${t}.author AND ${t}.seq > h.after AND ${t}.seq < h.until)`

type Statement =
  | 'messagesAfter'
  | 'countAll'
  | 'addCount'
  | 'deleteCount'
  | 'countHidden'
  | 'idsFrom'
  | 'idsBetween'
  | 'insertMessage'
  | 'insertChange'
  | 'insertRegister'
  | 'messagesBefore'
  | 'messagesById'
  | 'changesOf'
  | 'registers'
  | 'pins'
  | 'setShownTime'
  | 'deleteMessages'
  | 'deleteChanges'
  | 'deleteRegisters'
  | 'eraseMessage'
  | 'eraseChanges'

export class SqliteView {
  private readonly statements: Record<Statement, StatementSync>

  constructor(db: DatabaseSync) {
    this.statements = {
      // ON CONFLICT DO NOTHING: a row stored again is the same row (a message's key holds its id)
      insertMessage: db.prepare(
        `INSERT INTO view_messages (group_id, id, key, author, seq, time, shown_time, text, reply_to, mentions, poll, expires, files, person)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (group_id, key) DO NOTHING`
      ),
      insertChange: db.prepare(
        `INSERT INTO view_changes (group_id, key, target, author, seq, kind, text, role, emoji, added, choices, person)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (group_id, key) DO NOTHING`
      ),
      insertRegister: db.prepare(
        `INSERT INTO view_registers (group_id, name, author, key, seq, value)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (group_id, name, author, key) DO NOTHING`
      ),
      messagesBefore: db.prepare(
        `WITH ${HIDDEN} SELECT ${MESSAGE_COLUMNS} FROM view_messages m
         WHERE m.group_id = :group AND m.key < :before AND NOT ${hiddenRow('m')}
         ORDER BY m.key DESC LIMIT :limit`
      ),
      messagesAfter: db.prepare(
        `WITH ${HIDDEN} SELECT ${MESSAGE_COLUMNS} FROM view_messages m
         WHERE m.group_id = :group AND m.key > :after AND NOT ${hiddenRow('m')}
         ORDER BY m.key LIMIT :limit`
      ),
      // all, less the hidden: the first alone is an index count, and hidden ranges are few (usually none)
      // kept as rows come and go (migration 18): counting through an index read every row of a large group
      countAll: db.prepare('SELECT messages AS n FROM view_message_counts WHERE group_id = ?'),
      addCount: db.prepare(
        'INSERT INTO view_message_counts (group_id, messages) VALUES (?, ?) ON CONFLICT (group_id) DO UPDATE SET messages = messages + excluded.messages'
      ),
      deleteCount: db.prepare('DELETE FROM view_message_counts WHERE group_id = ?'),
      countHidden: db.prepare(
        `WITH ${HIDDEN} SELECT count(*) AS n FROM view_messages m JOIN hidden h ON h.author = m.author
         WHERE m.group_id = :group AND m.seq > h.after AND m.seq < h.until`
      ),
      // message rows are found by id through their entries (migration 19, id-prefix.ts): the entry's order key is the row's
      // in id order along the entries' index of ids' first 4 bytes (a prefix orders as the whole does), the entries that are
      // messages, stopping at the limit; substr() of an empty BLOB is NULL, hence coalesce()
      idsFrom: db.prepare(
        `SELECT e.id FROM entries e INDEXED BY entries_by_id WHERE substr(e.id, 1, 4) >= coalesce(substr(?2, 1, 4), x'') AND e.group_id = ?1 AND e.id >= ?2
         AND ${MESSAGE_OF_ENTRY}
         ORDER BY substr(e.id, 1, 4), e.id LIMIT ?3`
      ),
      idsBetween: db.prepare(
        `SELECT e.id FROM entries e INDEXED BY entries_by_id WHERE substr(e.id, 1, 4) BETWEEN coalesce(substr(?2, 1, 4), x'') AND substr(?3, 1, 4) AND e.group_id = ?1
         AND e.id >= ?2 AND e.id < ?3 AND ${MESSAGE_OF_ENTRY}
         ORDER BY substr(e.id, 1, 4), e.id LIMIT ?4`
      ),
      // each wanted id (distinct) looked up along the entries' index of ids' first 4 bytes, then its row by the entry's key:
      // CROSS JOIN keeps that order of loops
      messagesById: db.prepare(
        `WITH ${HIDDEN}, wanted (id) AS (SELECT DISTINCT unhex(value) FROM json_each(:ids))
         SELECT ${MESSAGE_COLUMNS} FROM wanted w CROSS JOIN entries e INDEXED BY entries_by_id CROSS JOIN view_messages m INDEXED BY view_messages_in_order
         WHERE ${idIs('e', 'w.id')} AND e.group_id = :group AND m.group_id = e.group_id AND m.key = e.key AND NOT ${hiddenRow('m')}
         ORDER BY m.key`
      ),
      changesOf: db.prepare(
        `WITH ${HIDDEN} SELECT ${CHANGE_COLUMNS} FROM view_changes c
         WHERE c.group_id = :group AND c.target IN (SELECT unhex(value) FROM json_each(:targets)) AND NOT ${hiddenRow('c')}`
      ),
      // through the partial index of pin rows; max() with bare columns, as below: the latest visible pin of each message
      pins: db.prepare(
        `WITH ${HIDDEN} SELECT c.target, max(c.key) AS key, c.author, c.seq, c.kind, c.added FROM view_changes c
         WHERE c.group_id = :group AND c.kind = 'pin' AND NOT ${hiddenRow('c')}
         GROUP BY c.target`
      ),
      // max() with bare columns: SQLite takes them from the row holding the
      // maximum, so each group below is its latest visible row
      registers: db.prepare(
        `WITH ${HIDDEN}
         SELECT r.name, r.author, max(r.key) AS key, r.seq, r.value FROM view_registers r
         WHERE r.group_id = :group AND r.name IN ('group-name', 'topic', 'description', 'disappearing') AND NOT ${hiddenRow('r')}
         GROUP BY r.name
         UNION ALL
         SELECT r.name, r.author, max(r.key) AS key, r.seq, r.value FROM view_registers r
         WHERE r.group_id = :group AND r.name IN ('display-name', 'read') AND (r.name = 'display-name' OR NOT ${hiddenRow('r')})
         GROUP BY r.name, r.author`
      ),
      setShownTime: db.prepare(
        `UPDATE view_messages INDEXED BY view_messages_in_order SET shown_time = ?1
         WHERE group_id = ?2 AND key = (SELECT e.key FROM entries e INDEXED BY entries_by_id WHERE ${idIs('e', '?3')} AND e.group_id = ?2)`
      ),
      deleteMessages: db.prepare('DELETE FROM view_messages WHERE group_id = ?'),
      deleteChanges: db.prepare('DELETE FROM view_changes WHERE group_id = ?'),
      deleteRegisters: db.prepare('DELETE FROM view_registers WHERE group_id = ?'),
      // an erased entry's rows: its message (by the entry's key), its own change row, and every change naming its message
      eraseMessage: db.prepare('DELETE FROM view_messages WHERE group_id = ? AND key = ?'),
      eraseChanges: db.prepare('DELETE FROM view_changes WHERE group_id = ?1 AND (key = ?2 OR target = ?3)')
    }
  }

  /** Inserts rows; to be run inside the store's write transaction. */
  put(group: Uint8Array, rows: readonly ViewRow[]): void {
    const s = this.statements
    let added = 0
    for (const r of rows) {
      // a row stored again changes nothing, and is not counted again
      if (r.kind === 'message') added += Number(s.insertMessage.run(group, ...messageValues(r)).changes)
      else if (r.kind === 'register') s.insertRegister.run(group, r.name, fromHex(r.author), r.key, r.seq, r.value)
      else s.insertChange.run(group, ...changeValues(r))
    }
    if (added > 0) s.addCount.run(group, added)
  }

  messages(group: Uint8Array, options: MessageRowsOptions): MessageRows {
    const rows = this.statements.messagesBefore.all({
      group,
      before: options.before ?? AFTER_ALL_KEYS,
      limit: options.limit + 1,
      hidden: hiddenParameter(options.hidden)
    }) as unknown as MessageColumns[]
    const hasOlder = rows.length > options.limit
    const messages = rows.slice(0, options.limit).reverse().map(messageOf)
    return { messages, changes: this.changesOf(group, messages, options.hidden), hasOlder }
  }

  messagesAfter(group: Uint8Array, options: { after: Uint8Array; limit: number; hidden: readonly HiddenRange[] }): MessageRows {
    const rows = this.statements.messagesAfter.all({
      group,
      after: options.after,
      limit: options.limit,
      hidden: hiddenParameter(options.hidden)
    }) as unknown as MessageColumns[]
    const messages = rows.map(messageOf)
    return { messages, changes: this.changesOf(group, messages, options.hidden), hasOlder: false }
  }

  count(group: Uint8Array, hidden: readonly HiddenRange[]): number {
    const all = (this.statements.countAll.get(group) as { n: number } | undefined)?.n ?? 0
    if (hidden.length === 0) return all
    // ranges of one author may overlap (a gap inside a block): count each hidden row once
    const merged = mergedRanges(hidden)
    return all - (this.statements.countHidden.get({ group, hidden: hiddenParameter(merged) }) as { n: number }).n
  }

  ids(group: Uint8Array, range: { from: Uint8Array; to?: Uint8Array; limit: number }): Uint8Array[] {
    const s = this.statements
    const rows = range.to === undefined ? s.idsFrom.all(group, range.from, range.limit) : s.idsBetween.all(group, range.from, range.to, range.limit)
    return (rows as Array<{ id: Uint8Array }>).map((r) => r.id)
  }

  messagesById(group: Uint8Array, ids: readonly Uint8Array[], hidden: readonly HiddenRange[]): MessageRows {
    if (ids.length === 0) return { messages: [], changes: [], hasOlder: false }
    const wanted = JSON.stringify(ids.map(toHex))
    const rows = this.statements.messagesById.all({ group, ids: wanted, hidden: hiddenParameter(hidden) }) as unknown as MessageColumns[]
    const messages = rows.map(messageOf)
    return { messages, changes: this.changesOf(group, messages, hidden), hasOlder: false }
  }

  registers(group: Uint8Array, hidden: readonly HiddenRange[]): RegisterRow[] {
    const rows = this.statements.registers.all({ group, hidden: hiddenParameter(hidden) }) as unknown as RegisterColumns[]
    return rows.map((r) => ({ kind: 'register', name: r.name, key: r.key, author: toHex(r.author), seq: r.seq, value: r.value }))
  }

  pins(group: Uint8Array, hidden: readonly HiddenRange[]): PinRow[] {
    const rows = this.statements.pins.all({ group, hidden: hiddenParameter(hidden) }) as unknown as ChangeColumns[]
    return rows.map((r) => ({ kind: 'pin', target: r.target, key: r.key, author: toHex(r.author), seq: r.seq, pinned: r.added === 1 }))
  }

  /** To be run inside the store's write transaction. */
  setShownTimes(group: Uint8Array, times: ReadonlyArray<{ id: Uint8Array; shownTime: number }>): void {
    for (const { id, shownTime } of times) this.statements.setShownTime.run(shownTime, group, id)
  }

  /** Deletes the rows an erased entry made (and the changes naming its message); to be run inside the store's write transaction, after the words. */
  erase(group: Uint8Array, entry: { id: Uint8Array; key: Uint8Array }): void {
    const erased = Number(this.statements.eraseMessage.run(group, entry.key).changes)
    if (erased > 0) this.statements.addCount.run(group, -erased)
    this.statements.eraseChanges.run(group, entry.key, entry.id)
  }

  /** To be run inside the store's write transaction. */
  deleteGroup(group: Uint8Array): void {
    const s = this.statements
    s.deleteMessages.run(group)
    s.deleteCount.run(group)
    s.deleteChanges.run(group)
    s.deleteRegisters.run(group)
  }

  private changesOf(group: Uint8Array, messages: readonly MessageRow[], hidden: readonly HiddenRange[]): ChangeRow[] {
    if (messages.length === 0) return []
    const targets = JSON.stringify(messages.map((m) => toHex(m.id)))
    const rows = this.statements.changesOf.all({ group, targets, hidden: hiddenParameter(hidden) }) as unknown as ChangeColumns[]
    return rows.map(changeOf)
  }
}

/** The ranges with those of one author that overlap or touch joined, so that no seq is in two. */
function mergedRanges(hidden: readonly HiddenRange[]): HiddenRange[] {
  const sorted = [...hidden].sort((a, b) => (a.author < b.author ? -1 : a.author > b.author ? 1 : a.after - b.after))
  const out: HiddenRange[] = []
  for (const h of sorted) {
    const last = out[out.length - 1]
    // (after, until) holds seqs after+1 .. until-1: the next range overlaps if its first seq is before until
    if (last !== undefined && last.author === h.author && h.after + 1 < last.until) last.until = Math.max(last.until, h.until)
    else out.push({ ...h })
  }
  return out
}

/** JSON of the ranges; an open end (Infinity, which JSON lacks) as the largest exact integer, above any seq. */
function hiddenParameter(hidden: readonly HiddenRange[]): SQLInputValue {
  return JSON.stringify(hidden.map((h) => [h.author, h.after, Math.min(h.until, Number.MAX_SAFE_INTEGER)]))
}
