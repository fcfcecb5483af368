/**
 * What an opening group log reads of the SQLite store besides heads and
 * seqs (core's log-opening.ts): its membership entries (through the partial
 * index entries_of_membership), the entries of an epoch it lacks the key
 * of, the equivocations (the `equivocated` table, noted as entries are
 * inserted), and each author's activity. Each costs what it returns, never
 * a scan of the history, except the activity, one indexed pass per author
 * over entries and view messages.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite'
import { type AuthorActivity, type ListEntriesOptions, toHex } from '@causette/core'

/** Sorts before every key: BLOBs compare as memcmp, then shorter first. */
const BEFORE_ALL_KEYS = new Uint8Array(0)
/** SQLite's "no limit". */
const NO_LIMIT = -1

interface Page {
  key: Uint8Array
  bytes: Uint8Array
}

export class OpeningReads {
  private readonly membership: StatementSync
  private readonly epoch: StatementSync
  private readonly forks: StatementSync
  private readonly lastActive: StatementSync
  private readonly messages: StatementSync

  constructor(db: DatabaseSync) {
    this.membership = db.prepare('SELECT key, bytes FROM entries WHERE group_id = ? AND membership = 1 ORDER BY key')
    this.epoch = db.prepare('SELECT key, bytes FROM entries WHERE group_id = ? AND key > ? AND epoch = ? ORDER BY key LIMIT ?')
    this.forks = db.prepare('SELECT author, seq, id FROM equivocated WHERE group_id = ? ORDER BY author, seq, id')
    this.lastActive = db.prepare('SELECT author, max(time) AS time FROM entries WHERE group_id = ? AND time IS NOT NULL GROUP BY author')
    this.messages = db.prepare('SELECT author, count(*) AS n FROM view_messages WHERE group_id = ? GROUP BY author')
  }

  listMembership(group: Uint8Array): Page[] {
    return (this.membership.all(group) as unknown as Page[]).map((r) => ({ key: r.key, bytes: r.bytes }))
  }

  listEpoch(group: Uint8Array, epoch: string, options: ListEntriesOptions): Page[] {
    const rows = this.epoch.all(group, options.after ?? BEFORE_ALL_KEYS, epoch, options.limit ?? NO_LIMIT) as unknown as Page[]
    return rows.map((r) => ({ key: r.key, bytes: r.bytes }))
  }

  equivocations(group: Uint8Array): Array<{ author: Uint8Array; seq: number; ids: Uint8Array[] }> {
    const found: Array<{ author: Uint8Array; seq: number; ids: Uint8Array[] }> = []
    for (const row of this.forks.all(group) as Array<{ author: Uint8Array; seq: number; id: Uint8Array }>) {
      const last = found.at(-1)
      if (last !== undefined && last.seq === row.seq && Buffer.compare(last.author, row.author) === 0) last.ids.push(row.id)
      else found.push({ author: row.author, seq: row.seq, ids: [row.id] })
    }
    return found
  }

  authorActivity(group: Uint8Array): Map<string, AuthorActivity> {
    const activity = new Map<string, AuthorActivity>()
    for (const row of this.lastActive.all(group) as Array<{ author: Uint8Array; time: number }>) {
      activity.set(toHex(row.author), { messages: 0, lastActive: row.time })
    }
    for (const row of this.messages.all(group) as Array<{ author: Uint8Array; n: number }>) {
      const author = toHex(row.author)
      activity.set(author, { messages: row.n, lastActive: activity.get(author)?.lastActive ?? 0 })
    }
    return activity
  }
}
