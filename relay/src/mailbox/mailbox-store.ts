/**
 * The relay's mailbox file (`mailbox.sqlite` in its data directory): the
 * groups it keeps — each with the capability it proves in sync, the admins
 * who may hand it a new one, the members it serves the group to, and the
 * capabilities of earlier epochs (members who missed a rotation still name
 * the group by one) — and their entries exactly as members signed and sealed them,
 * ordered by the log's order key (clock, author, id), so range
 * reconciliation pages through them like a member's store. Nothing here
 * opens a body: the relay never holds a key that does.
 *
 * WAL, with `synchronous = FULL`: a batch the relay has acknowledged (the
 * sync's next frame) survives the relay's crash and the machine's.
 *
 * Disappearing messages: an entry that expires keeps its deadline (read
 * from its clear header) until the relay erases its body then (`erase`:
 * the entry stays, under the same id, for the members who still need it
 * in their DAG). secure_delete zeroes what an erased body held in the
 * file, and a checkpoint empties the WAL of it.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { DatabaseSync, type StatementSync } from 'node:sqlite'
import { MailboxBlobs } from './mailbox-blobs.ts'
import { MailboxTopics } from './mailbox-topics.ts'

export interface MailboxRecord {
  id: number
  group: Uint8Array
  tag: Uint8Array
  capability: Uint8Array
  /** Device keys, 32 bytes each. */
  admins: Uint8Array[]
  members: Uint8Array[]
  entries: number
  bytes: number
}

/** Who may change a mailbox (admins) and whom it serves (members, admins among them), as device keys. */
export interface People {
  admins: Uint8Array[]
  members: Uint8Array[]
}

export interface StoredEntry {
  orderKey: Uint8Array
  id: Uint8Array
  author: Uint8Array
  /** The entry's own time, in whole minutes: what the per-author rate counts by. */
  minute: number
  bytes: Uint8Array
  /** When its body is to be erased (ms); absent for an entry that never expires or is erased already. */
  expires?: number
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS mailboxes (
  id INTEGER PRIMARY KEY,
  group_id BLOB NOT NULL,
  tag BLOB NOT NULL UNIQUE,
  capability BLOB NOT NULL,
  admins BLOB NOT NULL,
  members BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  entries INTEGER NOT NULL DEFAULT 0,
  bytes INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS retired_tags (tag BLOB PRIMARY KEY, mailbox INTEGER NOT NULL, capability BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entries (
  mailbox INTEGER NOT NULL,
  order_key BLOB NOT NULL,
  id BLOB NOT NULL,
  author BLOB NOT NULL,
  minute INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  bytes BLOB NOT NULL,
  PRIMARY KEY (mailbox, order_key)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS entries_by_id ON entries (mailbox, id);
CREATE INDEX IF NOT EXISTS entries_by_author_minute ON entries (mailbox, author, minute);
CREATE INDEX IF NOT EXISTS entries_by_age ON entries (received_at);
`

export class MailboxStore {
  readonly path: string
  private readonly db: DatabaseSync
  private readonly q: ReturnType<typeof statements>
  /** The files' pieces kept for the groups (mailbox-blobs.ts), in the same file. */
  readonly blobs: MailboxBlobs
  /** The groups' gossip topics, as their admins named them (mailbox-topics.ts). */
  readonly topics: MailboxTopics

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    this.path = join(dataDir, 'mailbox.sqlite')
    this.db = new DatabaseSync(this.path)
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = OFF; PRAGMA secure_delete = ON;')
    this.db.exec(SCHEMA)
    // files made before disappearing messages lack the column
    const columns = this.db.prepare('PRAGMA table_info(entries)').all() as Array<{ name: string }>
    if (!columns.some((c) => c.name === 'expires')) this.db.exec('ALTER TABLE entries ADD COLUMN expires INTEGER')
    this.db.exec('CREATE INDEX IF NOT EXISTS entries_expiring ON entries (expires) WHERE expires IS NOT NULL')
    this.q = statements(this.db)
    this.blobs = new MailboxBlobs(this.db)
    this.topics = new MailboxTopics(this.db)
  }

  byTag(tag: Uint8Array): MailboxRecord | undefined {
    return recordOf(this.q.byTag.get(tag))
  }

  get(id: number): MailboxRecord | undefined {
    return recordOf(this.q.byId.get(id))
  }

  /** The mailbox a tag names, now or in an earlier epoch, with the capability of that tag. */
  find(tag: Uint8Array): { record: MailboxRecord; capability: Uint8Array } | undefined {
    const current = this.byTag(tag)
    if (current !== undefined) return { record: current, capability: current.capability }
    const retired = this.q.retired.get(tag) as { mailbox: number; capability: Uint8Array } | undefined
    const record = retired === undefined ? undefined : this.get(Number(retired.mailbox))
    return record === undefined ? undefined : { record, capability: (retired as { capability: Uint8Array }).capability }
  }

  /** Every mailbox, for indexes built at start. */
  all(): MailboxRecord[] {
    return (this.q.all.all() as unknown[]).map((row) => recordOf(row) as MailboxRecord)
  }

  count(): number {
    return Number((this.q.countMailboxes.get() as { n: number }).n)
  }

  totals(): { entries: number; bytes: number } {
    const row = this.q.totals.get() as { entries: number; bytes: number }
    return { entries: Number(row.entries), bytes: Number(row.bytes) }
  }

  create(group: Uint8Array, tag: Uint8Array, capability: Uint8Array, people: People, now: number): MailboxRecord {
    const { lastInsertRowid } = this.q.insertMailbox.run(group, tag, capability, joinKeys(people.admins), joinKeys(people.members), now)
    return this.get(Number(lastInsertRowid)) as MailboxRecord
  }

  /** Records capabilities the mailbox is also known by (earlier epochs', the base one); one bound elsewhere is left alone. */
  addAliases(mailbox: MailboxRecord, capabilities: Array<{ tag: Uint8Array; capability: Uint8Array }>): void {
    this.transaction(() => {
      for (const { tag, capability } of capabilities) if (this.byTag(tag) === undefined) this.q.retire.run(tag, mailbox.id, capability)
    })
  }

  /** Takes a new capability (with admins and members); the old one is kept for members who missed the rotation. */
  replaceCapability(mailbox: MailboxRecord, tag: Uint8Array, capability: Uint8Array, people: People): void {
    this.transaction(() => {
      this.q.retire.run(mailbox.tag, mailbox.id, mailbox.capability)
      this.q.setCapability.run(tag, capability, joinKeys(people.admins), joinKeys(people.members), mailbox.id)
    })
  }

  setPeople(mailbox: MailboxRecord, people: People): void {
    this.q.setPeople.run(joinKeys(people.admins), joinKeys(people.members), mailbox.id)
  }

  listKeys(mailbox: number, from: Uint8Array, to: Uint8Array | undefined, limit: number): Uint8Array[] {
    const rows = (to === undefined ? this.q.keysFrom.all(mailbox, from, limit) : this.q.keysBetween.all(mailbox, from, to, limit)) as Array<{
      order_key: Uint8Array
    }>
    return rows.map((r) => r.order_key)
  }

  getEntry(mailbox: number, id: Uint8Array): Uint8Array | undefined {
    return (this.q.entryById.get(mailbox, id) as { bytes: Uint8Array } | undefined)?.bytes
  }

  has(mailbox: number, id: Uint8Array): boolean {
    return this.q.hasId.get(mailbox, id) !== undefined
  }

  /** Entries this author has stored here dated in this minute. */
  authorMinute(mailbox: number, author: Uint8Array, minute: number): number {
    return Number((this.q.authorMinute.get(mailbox, author, minute) as { n: number }).n)
  }

  /** Stores entries in one transaction, committed before it returns; returns how many were new. */
  insert(mailbox: number, entries: StoredEntry[], now: number): number {
    let added = 0
    let bytes = 0
    this.transaction(() => {
      for (const e of entries) {
        const { changes } = this.q.insertEntry.run(mailbox, e.orderKey, e.id, e.author, e.minute, now, e.bytes, e.expires ?? null)
        if (Number(changes) > 0) {
          added++
          bytes += e.bytes.byteLength
        }
      }
      if (added > 0) this.q.addCounts.run(added, bytes, mailbox)
    })
    return added
  }

  /** Entries whose body is due to be erased by `now`, at most `limit`. */
  due(now: number, limit: number): Array<{ mailbox: number; id: Uint8Array; bytes: Uint8Array }> {
    return (this.q.due.all(now, limit) as Array<{ mailbox: number; id: Uint8Array; bytes: Uint8Array }>).map((r) => ({
      mailbox: Number(r.mailbox),
      id: r.id,
      bytes: r.bytes
    }))
  }

  /** Replaces entries' encodings with their erased forms (same ids) and recounts their mailboxes' bytes, then checkpoints the WAL. */
  erase(erased: Array<{ mailbox: number; id: Uint8Array; bytes: Uint8Array }>): void {
    if (erased.length === 0) return
    this.transaction(() => {
      for (const e of erased) this.q.eraseEntry.run(e.bytes, e.mailbox, e.id)
      for (const mailbox of new Set(erased.map((e) => e.mailbox))) this.q.recount.run(mailbox)
    })
    this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
  }

  /** Deletes entries received before `before`; returns how many mailboxes lost some. */
  dropOlderThan(before: number): number {
    const mailboxes = (this.q.oldMailboxes.all(before) as Array<{ mailbox: number }>).map((r) => Number(r.mailbox))
    this.transaction(() => {
      for (const m of mailboxes) {
        this.q.dropOld.run(m, before)
        this.q.recount.run(m)
      }
    })
    return mailboxes.length
  }

  close(): void {
    this.db.close()
  }

  private transaction(run: () => void): void {
    this.db.exec('BEGIN IMMEDIATE')
    try {
      run()
      this.db.exec('COMMIT')
    } catch (err) {
      this.db.exec('ROLLBACK')
      throw err
    }
  }
}

function recordOf(row: unknown): MailboxRecord | undefined {
  if (row === undefined) return undefined
  const r = row as {
    id: number
    group_id: Uint8Array
    tag: Uint8Array
    capability: Uint8Array
    admins: Uint8Array
    members: Uint8Array
    entries: number
    bytes: number
  }
  return {
    id: Number(r.id),
    group: r.group_id,
    tag: r.tag,
    capability: r.capability,
    admins: splitKeys(r.admins),
    members: splitKeys(r.members),
    entries: Number(r.entries),
    bytes: Number(r.bytes)
  }
}

function joinKeys(keys: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(keys.length * 32)
  for (const [i, k] of keys.entries()) out.set(k, i * 32)
  return out
}

function splitKeys(bytes: Uint8Array): Uint8Array[] {
  const keys: Uint8Array[] = []
  for (let i = 0; i + 32 <= bytes.byteLength; i += 32) keys.push(bytes.slice(i, i + 32))
  return keys
}

function statements(db: DatabaseSync) {
  const p = (sql: string): StatementSync => db.prepare(sql)
  return {
    byTag: p('SELECT id, group_id, tag, capability, admins, members, entries, bytes FROM mailboxes WHERE tag = ?'),
    byId: p('SELECT id, group_id, tag, capability, admins, members, entries, bytes FROM mailboxes WHERE id = ?'),
    all: p('SELECT id, group_id, tag, capability, admins, members, entries, bytes FROM mailboxes'),
    retired: p('SELECT mailbox, capability FROM retired_tags WHERE tag = ?'),
    insertMailbox: p('INSERT INTO mailboxes (group_id, tag, capability, admins, members, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
    countMailboxes: p('SELECT count(*) AS n FROM mailboxes'),
    totals: p('SELECT coalesce(sum(entries), 0) AS entries, coalesce(sum(bytes), 0) AS bytes FROM mailboxes'),
    setCapability: p('UPDATE mailboxes SET tag = ?, capability = ?, admins = ?, members = ? WHERE id = ?'),
    setPeople: p('UPDATE mailboxes SET admins = ?, members = ? WHERE id = ?'),
    retire: p('INSERT OR IGNORE INTO retired_tags (tag, mailbox, capability) VALUES (?, ?, ?)'),
    keysFrom: p('SELECT order_key FROM entries WHERE mailbox = ? AND order_key >= ? ORDER BY order_key LIMIT ?'),
    keysBetween: p('SELECT order_key FROM entries WHERE mailbox = ? AND order_key >= ? AND order_key < ? ORDER BY order_key LIMIT ?'),
    entryById: p('SELECT bytes FROM entries WHERE mailbox = ? AND id = ?'),
    hasId: p('SELECT 1 AS x FROM entries WHERE mailbox = ? AND id = ?'),
    authorMinute: p('SELECT count(*) AS n FROM entries WHERE mailbox = ? AND author = ? AND minute = ?'),
    insertEntry: p(
      'INSERT OR IGNORE INTO entries (mailbox, order_key, id, author, minute, received_at, bytes, expires) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'
    ),
    due: p('SELECT mailbox, id, bytes FROM entries WHERE expires IS NOT NULL AND expires <= ? ORDER BY expires LIMIT ?'),
    eraseEntry: p('UPDATE entries SET bytes = ?, expires = NULL WHERE mailbox = ? AND id = ?'),
    addCounts: p('UPDATE mailboxes SET entries = entries + ?, bytes = bytes + ? WHERE id = ?'),
    oldMailboxes: p('SELECT DISTINCT mailbox FROM entries WHERE received_at < ?'),
    dropOld: p('DELETE FROM entries WHERE mailbox = ? AND received_at < ?'),
    recount: p(
      'UPDATE mailboxes SET entries = (SELECT count(*) FROM entries WHERE mailbox = ?1), bytes = (SELECT coalesce(sum(length(bytes)), 0) FROM entries WHERE mailbox = ?1) WHERE id = ?1'
    )
  }
}
