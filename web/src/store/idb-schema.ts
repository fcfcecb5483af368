/**
 * The IndexedDB database of the web app: its name, version, object stores
 * and indexes, and the upgrade that creates them. A later version adds a
 * store or index by appending a migration, never by editing one that has
 * shipped; `DB_VERSION` is the number of migrations.
 *
 * Ids, keys and authors are bytes (Uint8Array), and IndexedDB compares
 * binary keys bytewise, shorter first on a common prefix: the order of
 * order keys (core's log/order.ts). Compound keys start with the group, so
 * every read of a group is a range of one store or index, and an array
 * sorts after every binary key: `[group, []]` bounds a group from above.
 */
import type { ChangeRow, EntryFacts, FileRef, PollSpec, RegisterName } from '@causette/core'
import type { DBSchema, IDBPDatabase, IDBPTransaction } from 'idb'
import type { Bytes } from './idb-ranges.ts'

export const DEFAULT_DB_NAME = 'causette'

/** A held entry. `lacking` and `membership` are the group, set only when true: sparse indexes hold only those. */
export interface EntryRecord {
  group: Bytes
  id: Bytes
  /** Order key: the primary key is [group, key], so entries are stored in the log's order. */
  key: Bytes
  author: Bytes
  seq: number
  /** Parent ids, concatenated. */
  parents: Bytes
  bytes: Bytes
  facts?: EntryFacts
  /** Set while the entry has no facts (index 'lacking'). */
  lacking?: Bytes
  /** Set when its facts say it changes membership (index 'membership'). */
  membership?: Bytes
  /** When its body is due to be erased (version 3 on): set while it holds one (index 'expiring'). */
  expires?: number
}

export interface GroupValue {
  id: Bytes
  secret: Bytes
  name: string
  addedAt: number
  /** Keeps the order groups were first added in, across updates. */
  position: number
}

/** Words of a text as the multiEntry index 'words' holds them: [group, folded word]. */
export type WordKey = [Bytes, string]

export interface MessageRecord {
  group: Bytes
  id: Bytes
  key: Bytes
  /** Hex, as view rows have it: hex of equal length sorts as the bytes do. */
  author: string
  seq: number
  time: number
  shownTime: number
  text: string
  replyTo?: Bytes
  mentions: string[]
  /** Set when the message is a poll (version 2 on; older records are never polls). */
  poll?: PollSpec
  /** When a disappearing message disappears (version 3 on). */
  expires?: number
  /** The files it carries. */
  files?: FileRef[]
  /** The author's person, when a linked device wrote it. */
  person?: string
  words: WordKey[]
}

export interface ChangeRecord {
  group: Bytes
  key: Bytes
  target: Bytes
  author: string
  seq: number
  kind: ChangeRow['kind']
  text?: string
  /** Deletes and closes, when the writer had a role. */
  role?: string
  emoji?: string
  add?: boolean
  /** Pins (version 2 on). */
  pinned?: boolean
  /** Votes: option indexes (version 2 on). */
  choices?: number[]
  /** Pins only: the group, so that the sparse index 'pins' holds a group's pin rows and nothing else. */
  pin?: Bytes
  /** Edits only: an edit is how a message comes to hold a word. */
  words?: WordKey[]
  /** Every kind but pins: the writer's person, when a linked device wrote it. */
  person?: string
}

export interface RegisterRecord {
  group: Bytes
  name: RegisterName
  author: string
  key: Bytes
  seq: number
  value: string
}

export interface CausetteDb extends DBSchema {
  entries: {
    key: [Bytes, Bytes]
    value: EntryRecord
    indexes: {
      'by-id': [Bytes, Bytes]
      'by-seq': [Bytes, Bytes, number]
      'by-epoch': [Bytes, string, Bytes]
      'by-time': [Bytes, Bytes, number]
      lacking: Bytes
      membership: Bytes
      expiring: [Bytes, number]
    }
  }
  /** [group, id] of each head; the value is unused. */
  heads: { key: [Bytes, Bytes]; value: true }
  /** [group, author]: the author's highest seq held. */
  'author-seqs': { key: [Bytes, Bytes]; value: { author: Bytes; seq: number } }
  /** group: how many entries it holds. */
  'entry-counts': { key: Bytes; value: number }
  /** [group, author, seq, id] of every entry whose (author, seq) is held under several ids. */
  equivocations: { key: [Bytes, Bytes, number, Bytes]; value: true }
  groups: { key: Bytes; value: GroupValue; indexes: { 'by-position': number } }
  messages: {
    key: [Bytes, Bytes]
    value: MessageRecord
    indexes: { 'by-id': [Bytes, Bytes]; 'by-author': [Bytes, string, number]; words: WordKey }
  }
  changes: {
    key: [Bytes, Bytes]
    value: ChangeRecord
    indexes: { 'by-target': [Bytes, Bytes]; words: WordKey; pins: Bytes }
  }
  registers: { key: [Bytes, string, string, Bytes]; value: RegisterRecord; indexes: { latest: [Bytes, string, Bytes] } }
  /** [group, author hex]: how many message rows the author wrote. */
  'message-counts': { key: [Bytes, string]; value: number }
  /** [group, blob id]: a file's sealed chunk or manifest (core's blob/blob-format.ts), version 4 on. */
  blobs: { key: [Bytes, Bytes]; value: Bytes }
  /** [group, blob id]: a kept blob's size, whether this tab wrote it (1) or fetched it (0), and when it was kept; version 5 on. */
  'blob-sizes': { key: [Bytes, Bytes]; value: BlobSize; indexes: { 'by-age': [number, number] } }
}

export interface BlobSize {
  size: number
  /** 1: this tab's own file, never evicted; 0: fetched from others. (IndexedDB keys have no booleans.) */
  own: number
  at: number
}

export type StoreName =
  | 'entries'
  | 'heads'
  | 'author-seqs'
  | 'entry-counts'
  | 'equivocations'
  | 'groups'
  | 'messages'
  | 'changes'
  | 'registers'
  | 'message-counts'
  | 'blobs'
  | 'blob-sizes'

export type Database = IDBPDatabase<CausetteDb>
export type Transaction<Mode extends IDBTransactionMode = IDBTransactionMode> = IDBPTransaction<CausetteDb, StoreName[], Mode>
export type WriteTransaction = Transaction<'readwrite'>
type UpgradeTransaction = IDBPTransaction<CausetteDb, StoreName[], 'versionchange'>

/** In order: migration n brings a database from version n to n + 1. */
const MIGRATIONS: ReadonlyArray<(db: Database, tx: UpgradeTransaction) => void> = [
  // 1: the log (entries with their facts, heads, seqs, counts, equivocations),
  // group records, and the view as rows (core's chat/view-rows.ts) with a
  // word index on the texts of messages and edits.
  (db) => {
    const entries = db.createObjectStore('entries', { keyPath: ['group', 'key'] })
    entries.createIndex('by-id', ['group', 'id'], { unique: true })
    entries.createIndex('by-seq', ['group', 'author', 'seq'])
    entries.createIndex('by-epoch', ['group', 'facts.epoch', 'key'])
    entries.createIndex('by-time', ['group', 'author', 'facts.time'])
    // entries with equal index keys are kept in primary-key order: the log's order
    entries.createIndex('lacking', 'lacking')
    entries.createIndex('membership', 'membership')
    db.createObjectStore('heads')
    db.createObjectStore('author-seqs')
    db.createObjectStore('entry-counts')
    db.createObjectStore('equivocations')
    const groups = db.createObjectStore('groups', { keyPath: 'id' })
    groups.createIndex('by-position', 'position', { unique: true })
    const messages = db.createObjectStore('messages', { keyPath: ['group', 'key'] })
    messages.createIndex('by-id', ['group', 'id'], { unique: true })
    messages.createIndex('by-author', ['group', 'author', 'seq'])
    messages.createIndex('words', 'words', { multiEntry: true })
    const changes = db.createObjectStore('changes', { keyPath: ['group', 'key'] })
    changes.createIndex('by-target', ['group', 'target'])
    changes.createIndex('words', 'words', { multiEntry: true })
    const registers = db.createObjectStore('registers', { keyPath: ['group', 'name', 'author', 'key'] })
    registers.createIndex('latest', ['group', 'name', 'key'])
    db.createObjectStore('message-counts')
  },
  // 2: polls and pins (core's chat/polls.ts). Poll options, votes and pins
  // are optional fields of the records above; what is new is reading a
  // group's pin rows without every change: the sparse index 'pins' on the
  // field `pin`, which only pin rows set (to their group). Records held
  // already have none, so the index starts empty and nothing is rewritten.
  (_db, tx) => {
    tx.objectStore('changes').createIndex('pins', 'pin')
  },
  // 3: disappearing messages (core's chat/disappearing.ts). An entry that
  // still holds a body due to be erased has `expires`; the compound index
  // 'expiring' holds only those (a record lacking a key path is left out of
  // an index), so finding what is due costs what is due. Message records
  // keep their expiry, so no read shows one past it.
  (_db, tx) => {
    tx.objectStore('entries').createIndex('expiring', ['group', 'expires'])
  },
  // 4: files (core's blob/). Each blob is its sealed bytes under [group, id]:
  // a group's blobs are one key range, as everything else of a group is.
  // A store of its own, apart from the log's, so that a file's chunks never
  // ride in (or slow) the transactions that write entries.
  (db) => {
    db.createObjectStore('blobs')
  },
  // 5: the tab's room for files (idb-blobs.ts). Each kept blob's size, whether
  // it is the tab's own, and when it was kept; 'by-age' lists others' blobs
  // oldest first, the order they are evicted in. Blobs kept by version 4 have
  // no record: they count as the tab's own, neither counted nor evicted.
  (db) => {
    db.createObjectStore('blob-sizes').createIndex('by-age', ['own', 'at'])
  }
]

export const DB_VERSION = MIGRATIONS.length

/**
 * The upgrade callback of openDB: applies the migrations the database
 * lacks, in its versionchange transaction, up to `to` (all by default; an
 * earlier version only for tests that build a database as an older
 * Causette left it).
 */
export function upgrade(db: Database, oldVersion: number, tx: UpgradeTransaction, to = MIGRATIONS.length): void {
  for (let version = oldVersion; version < to; version++) (MIGRATIONS[version] as (db: Database, tx: UpgradeTransaction) => void)(db, tx)
}
