/**
 * Storage as the group log needs it. One interface, several engines (memory
 * for tests, SQLite in Node, IndexedDB in browsers), all held to the same
 * conformance suite in test/core/store-conformance.ts.
 *
 * Contract:
 * - `putEntries` is idempotent, receives entries in causal order (parents
 *   first, as the log accepts them) with the view rows they make, and
 *   stores both or neither. Durability: a batch holding this device's own
 *   entry is on disk before it resolves (an acknowledged message survives
 *   kill -9); others' entries may be written behind (SQLite: committed on
 *   the next turn, with every batch meanwhile), since what a crash loses of
 *   them sync fetches again. Every read sees every write that resolved.
 * - Entries are listed in the total order, by their `key` (see log/order.ts),
 *   compared as bytes.
 * - heads are the stored entries no stored entry names as a parent.
 * - facts (EntryFacts) are what the log worked out when it accepted an
 *   entry; they are stored with it so the log can forget the entry and read
 *   them back (admission of a late child, shown times) without decoding it.
 *   `putEntries` stores an entry's facts with it when given; `putFacts`
 *   sets or replaces them for held entries (a lowered shown time, or entries
 *   stored before facts existed: `lacksFacts` says so, and the log fills them
 *   in when it opens the group).
 */
import type { HiddenRange, MessageRows, PinRow, RegisterRow, ViewRow } from '../chat/view-rows.ts'
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
  /** What the log worked out on accepting it; absent only where a test or an older version stored it. */
  facts?: EntryFacts
  /** When its body is to be erased (ms): set for an entry that expires and still holds its body. */
  expires?: number
}

/** A held entry whose body is due to be erased. */
export interface ExpiringEntry {
  id: Uint8Array
  key: Uint8Array
  bytes: Uint8Array
  expires: number
}

/** What the log works out when it accepts an entry, beyond its encoding. */
export interface EntryFacts {
  /** The author's claimed wall-clock time (ms). */
  time: number
  /** The time to show: never later than a descendant's (log/log-entry.ts). */
  shownTime: number
  /** '' for the first epoch, else the hex id of the epoch that sealed the body. */
  epoch: string
  /** The author's role where the entry stands in the log; absent for a join. */
  role?: string
  /** The person the author's device is where the entry stands, when it is a linked device (absent: its own person). */
  person?: string
  /** Key of the entry's frontier (Frontier.key: the ids of its tips): membership in its causal past. */
  frontier: string
  /** It creates the group or changes its membership: what an opening log folds (listMembership). */
  membership?: boolean
}

/** What an author did, as the store's facts and view rows tell. */
export interface AuthorActivity {
  /** Message rows written by the author. */
  messages: number
  /** Claimed time (ms) of the author's latest entry. */
  lastActive: number
}

/** A held entry's facts with the fields of the entry that admission reads. */
export interface StoredFacts extends EntryFacts {
  id: Uint8Array
  author: Uint8Array
  seq: number
  clock: number
  parents: Uint8Array[]
}

export interface KeyRange {
  /** Keys at or after this one (bytewise; a shorter prefix sorts first). */
  from?: Uint8Array
  /** Keys before this one. */
  to?: Uint8Array
  limit?: number
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
  /** Stores entries with the view rows they make (`view`), all or nothing: the view never lags the log. */
  putEntries(group: Uint8Array, entries: StoredEntry[], view?: ViewRow[]): Promise<void>
  /** The encodings of the entries with these ids; undefined where not held. */
  getEntries(group: Uint8Array, ids: Uint8Array[]): Promise<Array<Uint8Array | undefined>>
  /** Entries in order, one page at a time. */
  listEntries(group: Uint8Array, options?: ListEntriesOptions): Promise<Array<{ key: Uint8Array; bytes: Uint8Array }>>
  /** Ids of the head entries, sorted bytewise. */
  heads(group: Uint8Array): Promise<Uint8Array[]>
  /** Highest seq held per author (hex key). */
  authorSeqs(group: Uint8Array): Promise<Map<string, number>>
  countEntries(group: Uint8Array): Promise<number>
  /** For each id, whether the entry is held. */
  hasEntries(group: Uint8Array, ids: Uint8Array[]): Promise<boolean[]>
  /** Facts of the entries with these ids; undefined where not held or held without facts. */
  getFacts(group: Uint8Array, ids: Uint8Array[]): Promise<Array<StoredFacts | undefined>>
  /** Sets the facts of held entries (ids not held are ignored). */
  putFacts(group: Uint8Array, facts: Array<EntryFacts & { id: Uint8Array }>): Promise<void>
  /** Whether some held entry of the group has no facts. */
  lacksFacts(group: Uint8Array): Promise<boolean>
  /** Ids of the author's held entries with this seq: several when the author equivocated. */
  idsAt(group: Uint8Array, author: Uint8Array, seq: number): Promise<Uint8Array[]>
  /** Order keys in [from, to), in order, at most `limit`: what sync's ranges read. */
  listKeys(group: Uint8Array, range?: KeyRange): Promise<Uint8Array[]>
  /** The entries whose facts say `membership`, in order: what an opening log folds into membership and keys. */
  listMembership(group: Uint8Array): Promise<Array<{ key: Uint8Array; bytes: Uint8Array }>>
  /** Entries of one epoch (facts.epoch), in order, a page at a time: those an opening log holds sealed while it lacks the key. */
  listEpoch(group: Uint8Array, epoch: string, options: ListEntriesOptions): Promise<Array<{ key: Uint8Array; bytes: Uint8Array }>>
  /** Each author's (author, seq) held under several ids: equivocations, ids sorted. */
  equivocations(group: Uint8Array): Promise<Array<{ author: Uint8Array; seq: number; ids: Uint8Array[] }>>
  /** Per author (hex): message rows and the latest claimed time. */
  authorActivity(group: Uint8Array): Promise<Map<string, AuthorActivity>>
  /** Held entries with an expiry at or before `until` whose body is not erased yet, soonest first, at most `limit`. */
  expiringEntries(group: Uint8Array, options: { until: number; limit: number }): Promise<ExpiringEntry[]>
  /**
   * Erases held entries' bodies (chat/disappearing.ts): replaces each one's
   * encoding with `bytes`, its erased form (same id), forgets its expiry,
   * and deletes the view rows it made (the rows with its order key), the
   * change rows naming it, and their words in the search index. All or
   * nothing, durable before it resolves, and no copy of what was erased is
   * left where the engine can help it (SQLite: secure_delete and a WAL
   * checkpoint). Ids not held are ignored.
   */
  eraseEntries(group: Uint8Array, erased: Array<{ id: Uint8Array; bytes: Uint8Array }>): Promise<void>

  putGroup(record: GroupRecord): Promise<void>
  getGroup(id: Uint8Array): Promise<GroupRecord | undefined>
  /** Groups in the order they were added. */
  listGroups(): Promise<GroupRecord[]>
  /** Forgets a group and all of its entries (and its view rows). */
  deleteGroup(id: Uint8Array): Promise<void>

  close(): Promise<void>

  // --- The view as rows (chat/view-rows.ts), read a page at a time ---
  //
  // Rows are what accepted entries make (rowsOf); core renders them with its
  // rules (chat/view-render.ts). Every read takes the hidden ranges and
  // leaves out rows whose (author, seq) falls in one (after < seq < until),
  // except display-name registers, which are never hidden. A row is never
  // rewritten to hide it. Rows written are visible to every read made after
  // the put resolved. A row is written with its entry (putEntries) or after
  // it, never before: a store may find a message row by id through its
  // entry, whose order key is the row's (the SQLite store does).

  /**
   * Stores view rows, idempotently: a message row by its id, a change row by
   * its key, a register row by (key, name); storing one again changes nothing.
   */
  putViewRows(group: Uint8Array, rows: ViewRow[]): Promise<void>
  /**
   * The newest `limit` visible messages with an order key before `before`
   * (all of them when absent), newest last, with every visible change row
   * naming them, and whether visible messages exist before the first.
   */
  messageRows(group: Uint8Array, options: MessageRowsOptions): Promise<MessageRows>
  /**
   * The held, visible messages among `ids`, in log order (an id not held or
   * hidden is left out, one named twice comes once), with the visible
   * changes naming them; hasOlder is false. One read for many: what a batch
   * of entries changed is read at once (the daemon's event stream).
   */
  messageRowsById(group: Uint8Array, ids: readonly Uint8Array[], hidden: readonly HiddenRange[]): Promise<MessageRows>
  /**
   * Visible register rows, enough for renderRegisters: at least the latest
   * visible row of each group register and of each (register, author) of the
   * per-author ones; an engine may return more.
   */
  registerRows(group: Uint8Array, hidden: readonly HiddenRange[]): Promise<RegisterRow[]>
  /**
   * Visible pin rows, enough for latestPins (chat/view-render.ts): at least
   * the latest visible pin row of each message; an engine may return more.
   * Whether the messages are held, shown or deleted is for the reader to
   * check (chat/pinned.ts).
   */
  pinRows(group: Uint8Array, hidden: readonly HiddenRange[]): Promise<PinRow[]>
  /** Sets the shown time of held message rows (ids without a message row are ignored). */
  setShownTimes(group: Uint8Array, times: Array<{ id: Uint8Array; shownTime: number }>): Promise<void>
  /** The first `limit` visible messages with an order key after `after`, oldest first, with their changes (hasOlder false): a history read forwards. */
  messageRowsAfter(group: Uint8Array, options: { after: Uint8Array; limit: number; hidden: readonly HiddenRange[] }): Promise<MessageRows>
  /** How many visible messages the group holds. */
  countMessageRows(group: Uint8Array, hidden: readonly HiddenRange[]): Promise<number>
  /** Ids of held messages in [from, to) compared bytewise (no upper end without `to`), in order, at most `limit`: what a shortened id is resolved through. */
  messageIds(group: Uint8Array, range: { from: Uint8Array; to?: Uint8Array; limit: number }): Promise<Uint8Array[]>
  /**
   * Candidates for a word search (chat/search-words.ts), newest first: the
   * messages whose own text, or the text of an edit naming them, holds every
   * word; in one group by order key, across groups by time then key. A
   * superset of the answer (core renders each candidate and checks its
   * current text, chat/message-search.ts), so an engine may also return
   * messages hidden from the reader, deleted, or no longer holding the words.
   */
  searchMessageRows(words: readonly string[], options: SearchRowsOptions): Promise<Array<{ group: Uint8Array; id: Uint8Array }>>
}

export interface SearchRowsOptions {
  /** One group; all groups when absent. */
  group?: Uint8Array
  limit: number
  /** Candidates to skip: the next page of a search. */
  offset: number
}

export interface MessageRowsOptions {
  /** An order key: only messages before it. Usually the key of the oldest message shown. */
  before?: Uint8Array
  limit: number
  hidden: readonly HiddenRange[]
}

/** What a store keeps of a decoded entry, with the facts the log worked out if given (and its order key, if made already). */
export function storedEntryOf(entry: Entry, facts?: EntryFacts, key: Uint8Array = orderKey(entry)): StoredEntry {
  const stored: StoredEntry = { id: entry.id, key, author: entry.author, seq: entry.seq, parents: entry.parents, bytes: entry.bytes }
  if (facts !== undefined) stored.facts = facts
  if (entry.expires !== undefined && entry.erased !== true) stored.expires = entry.expires
  return stored
}
