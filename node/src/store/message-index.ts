/**
 * MessageIndex: the rendered messages of every group in SQLite (the
 * `messages` table of schema.ts), kept in the log's order, with a full-text
 * index over their text. It serves `history`, `search` and `export` without
 * touching a group's log, so they answer quickly for a 100,000-message group
 * and even while that group's log is still loading after a restart.
 *
 * The rows are derived data: they are written after the entries they come
 * from are committed, and each write records how many log entries the rows
 * reflect. If the daemon dies between the two, the counts differ at the next
 * start and the daemon rebuilds the group's rows from its view. That is why
 * these writes need no fsync of their own (the next durable entry commit
 * carries them to disk) and cost the hot path of ingest little.
 *
 * Words are indexed in bulk (schema.ts, migration 5): writing a row notes
 * it as pending, and indexWords moves everything pending into the word
 * index at once. Searches do that first, so they always see every message;
 * the daemon also does it once enough is pending and when it is idle
 * (daemon/message-indexer.ts).
 */
import type { StatementSync } from 'node:sqlite'
import type { Message, Reaction } from '@causette/core'
import { fromHex, toHex } from '@causette/core'
import { UnknownMessageError } from '../errors.ts'
import type { SqliteStore } from './sqlite-store.ts'

/** A message as the index stores it: the rendered view plus its place in the log's order. */
export interface IndexedMessage {
  message: Message
  /** The order key of the message's entry (log/order.ts in core). */
  key: Uint8Array
}

export interface MessagePageOptions {
  limit: number
  /** Full id of a message: only messages before it. */
  before?: Uint8Array
}

export interface IndexedPage {
  /** Oldest first. */
  messages: Message[]
  hasOlder: boolean
}

export interface SearchHit {
  groupId: string
  message: Message
}

interface MessageRow {
  group_id: Uint8Array
  id: Uint8Array
  key: Uint8Array
  author: Uint8Array
  time: number
  text: string
  edited: number
  deleted: number
  reply_to: Uint8Array | null
  mentions: string
  reactions: string
}

const COLUMNS = 'm.group_id, m.id, m.key, m.author, m.time, m.text, m.edited, m.deleted, m.reply_to, m.mentions, m.reactions'

export class MessageIndex {
  private readonly store: SqliteStore
  private readonly statements: Record<
    | 'upsert'
    | 'deleteGroup'
    | 'setState'
    | 'getState'
    | 'newest'
    | 'before'
    | 'keyOf'
    | 'idRange'
    | 'idFrom'
    | 'count'
    | 'after'
    | 'search'
    | 'searchAll'
    | 'indexPending'
    | 'clearPending'
    | 'countPending',
    StatementSync
  >
  /** Rows written since the words were last indexed: a bound, never less than what is pending. */
  private pending: number

  constructor(store: SqliteStore) {
    this.store = store
    const db = store.database
    this.statements = {
      upsert: db.prepare(
        `INSERT INTO messages (group_id, id, key, author, time, text, edited, deleted, reply_to, mentions, reactions)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (group_id, id) DO UPDATE SET text = excluded.text, edited = excluded.edited, deleted = excluded.deleted,
           mentions = excluded.mentions, reactions = excluded.reactions`
      ),
      deleteGroup: db.prepare('DELETE FROM messages WHERE group_id = ?'),
      setState: db.prepare(
        'INSERT INTO message_index_state (group_id, entries) VALUES (?, ?) ON CONFLICT (group_id) DO UPDATE SET entries = excluded.entries'
      ),
      getState: db.prepare('SELECT entries FROM message_index_state WHERE group_id = ?'),
      newest: db.prepare(`SELECT ${COLUMNS} FROM messages m WHERE m.group_id = ? ORDER BY m.key DESC LIMIT ?`),
      before: db.prepare(`SELECT ${COLUMNS} FROM messages m WHERE m.group_id = ? AND m.key < ? ORDER BY m.key DESC LIMIT ?`),
      keyOf: db.prepare('SELECT key FROM messages WHERE group_id = ? AND id = ?'),
      idRange: db.prepare('SELECT id FROM messages WHERE group_id = ? AND id >= ? AND id < ? LIMIT 2'),
      idFrom: db.prepare('SELECT id FROM messages WHERE group_id = ? AND id >= ? LIMIT 2'),
      count: db.prepare('SELECT count(*) AS n FROM messages WHERE group_id = ?'),
      after: db.prepare(`SELECT ${COLUMNS} FROM messages m WHERE m.group_id = ? AND m.key > ? ORDER BY m.key LIMIT ?`),
      search: db.prepare(
        `SELECT ${COLUMNS} FROM message_search s JOIN messages m ON m.number = s.rowid
         WHERE message_search MATCH ? AND m.group_id = ? ORDER BY m.key DESC LIMIT ?`
      ),
      searchAll: db.prepare(
        `SELECT ${COLUMNS} FROM message_search s JOIN messages m ON m.number = s.rowid
         WHERE message_search MATCH ? ORDER BY m.time DESC, m.key DESC LIMIT ?`
      ),
      indexPending: db.prepare(
        'INSERT INTO message_search (rowid, text) SELECT m.number, m.text FROM search_pending p JOIN messages m ON m.number = p.number'
      ),
      clearPending: db.prepare('DELETE FROM search_pending'),
      countPending: db.prepare('SELECT count(*) AS n FROM search_pending')
    }
    // what a daemon that stopped or died before indexing them left pending
    this.pending = (this.statements.countPending.get() as { n: number }).n
  }

  /** How many rows may wait for their words to be indexed (0: none do). */
  get wordsPending(): number {
    return this.pending
  }

  /** Indexes the words of every row written or changed since the last time, in one transaction. */
  indexWords(): void {
    if (this.pending === 0) return
    this.transaction(() => {
      this.statements.indexPending.run()
      this.statements.clearPending.run()
    })
    this.pending = 0
  }

  /** How many log entries the group's rows reflect; undefined if the group was never indexed. */
  indexedEntries(groupId: Uint8Array): number | undefined {
    return (this.statements.getState.get(groupId) as { entries: number } | undefined)?.entries
  }

  /** Writes the current state of these messages of each group, and how many log entries each group's rows now reflect; one transaction. */
  update(groups: Iterable<{ groupId: Uint8Array; messages: IndexedMessage[]; entries: number }>): void {
    this.transaction(() => {
      for (const { groupId, messages, entries } of groups) {
        for (const m of messages) this.upsert(groupId, m)
        this.statements.setState.run(groupId, entries)
      }
    })
    for (const { messages } of groups) this.pending += messages.length
  }

  /** Replaces every row of the group: what a restart does when the rows lag the log. */
  rebuild(groupId: Uint8Array, messages: Iterable<IndexedMessage>, entries: number): void {
    let written = 0
    this.transaction(() => {
      this.statements.deleteGroup.run(groupId)
      for (const m of messages) {
        this.upsert(groupId, m)
        written++
      }
      this.statements.setState.run(groupId, entries)
    })
    this.pending += written
  }

  count(groupId: Uint8Array): number {
    return (this.statements.count.get(groupId) as { n: number }).n
  }

  /** The newest `limit` messages, or the `limit` before the message `before`. */
  page(groupId: Uint8Array, options: MessagePageOptions): IndexedPage {
    let rows: MessageRow[]
    if (options.before === undefined) {
      rows = this.statements.newest.all(groupId, options.limit + 1) as unknown as MessageRow[]
    } else {
      const anchor = this.statements.keyOf.get(groupId, options.before) as { key: Uint8Array } | undefined
      if (anchor === undefined) throw new UnknownMessageError(`this group has no message ${toHex(options.before).slice(0, 12)}`)
      rows = this.statements.before.all(groupId, anchor.key, options.limit + 1) as unknown as MessageRow[]
    }
    const hasOlder = rows.length > options.limit
    return { messages: rows.slice(0, options.limit).reverse().map(messageOf), hasOlder }
  }

  /** Up to `limit` messages after the order key `after` (exclusive), oldest first: for exports. */
  pageForward(groupId: Uint8Array, after: Uint8Array, limit: number): IndexedMessage[] {
    const rows = this.statements.after.all(groupId, after, limit) as unknown as MessageRow[]
    return rows.map((row) => ({ message: messageOf(row), key: row.key }))
  }

  /**
   * The full id of the group's message whose hex id starts with `prefix`
   * (lowercase hex). Throws UnknownMessageError when none or several match.
   */
  resolveId(groupId: Uint8Array, prefix: string): Uint8Array {
    const pad = prefix.length % 2 === 0 ? '' : '0'
    const low = fromHex(prefix + pad)
    // every id starting with the prefix sorts in [low, high)
    const high = upperBound(fromHex(prefix + (pad === '' ? '' : 'f')))
    const rows = (high === undefined
      ? this.statements.idFrom.all(groupId, low)
      : this.statements.idRange.all(groupId, low, high)) as unknown as Array<{
      id: Uint8Array
    }>
    if (rows.length === 0) throw new UnknownMessageError(`this group has no message ${prefix}`)
    if (rows.length > 1) throw new UnknownMessageError(`several messages of this group start with ${prefix}: give more of the id`)
    return (rows[0] as { id: Uint8Array }).id
  }

  /** Messages matching an FTS5 query (store/search-query.ts), newest first, in one group or in all. */
  search(match: string, options: { groupId?: Uint8Array; limit: number }): SearchHit[] {
    this.indexWords()
    const rows = (options.groupId === undefined
      ? this.statements.searchAll.all(match, options.limit)
      : this.statements.search.all(match, options.groupId, options.limit)) as unknown as MessageRow[]
    return rows.map((row) => ({ groupId: toHex(row.group_id), message: messageOf(row) }))
  }

  private upsert(groupId: Uint8Array, { message: m, key }: IndexedMessage): void {
    this.statements.upsert.run(
      groupId,
      fromHex(m.id),
      key,
      fromHex(m.author),
      m.time,
      m.text,
      m.edited ? 1 : 0,
      m.deleted ? 1 : 0,
      m.replyTo === undefined ? null : fromHex(m.replyTo),
      JSON.stringify(m.mentions),
      JSON.stringify(m.reactions)
    )
  }

  private transaction(work: () => void): void {
    // derived rows: no fsync of their own (see the header)
    this.store.write(false, work)
  }
}

function messageOf(row: MessageRow): Message {
  const message: Message = {
    id: toHex(row.id),
    author: toHex(row.author),
    time: row.time,
    text: row.text,
    edited: row.edited === 1,
    deleted: row.deleted === 1,
    mentions: JSON.parse(row.mentions) as string[],
    reactions: JSON.parse(row.reactions) as Reaction[]
  }
  if (row.reply_to !== null) message.replyTo = toHex(row.reply_to)
  return message
}

/** The smallest byte string greater than every string starting with `prefix`; undefined if there is none (all 0xff). */
function upperBound(prefix: Uint8Array): Uint8Array | undefined {
  const out = prefix.slice()
  for (let i = out.length - 1; i >= 0; i--) {
    if ((out[i] as number) < 0xff) {
      out[i] = (out[i] as number) + 1
      return out.subarray(0, i + 1)
    }
  }
  return undefined
}
