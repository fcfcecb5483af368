/**
 * The files a relay keeps for its groups (core's blob/blob-keeping.ts):
 * sealed pieces by group and name in the mailbox file, with each group's
 * total kept beside them so the room left is one read. Like the entries,
 * pieces older than the retention are dropped; the relay never holds a
 * file's key.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite'

const SCHEMA = `
CREATE TABLE IF NOT EXISTS blobs (
  group_id BLOB NOT NULL,
  id BLOB NOT NULL,
  received_at INTEGER NOT NULL,
  bytes BLOB NOT NULL,
  UNIQUE (group_id, id)
);
CREATE INDEX IF NOT EXISTS blobs_by_age ON blobs (received_at);
CREATE TABLE IF NOT EXISTS blob_totals (group_id BLOB PRIMARY KEY, bytes INTEGER NOT NULL) WITHOUT ROWID;
`

export class MailboxBlobs {
  private readonly q: Record<'insert' | 'get' | 'total' | 'add' | 'oldGroups' | 'dropOld' | 'recount', StatementSync>

  constructor(db: DatabaseSync) {
    db.exec(SCHEMA)
    this.q = {
      insert: db.prepare('INSERT OR IGNORE INTO blobs (group_id, id, received_at, bytes) VALUES (?, ?, ?, ?)'),
      get: db.prepare('SELECT bytes FROM blobs WHERE group_id = ? AND id = ?'),
      total: db.prepare('SELECT bytes FROM blob_totals WHERE group_id = ?'),
      add: db.prepare('INSERT INTO blob_totals (group_id, bytes) VALUES (?, ?) ON CONFLICT (group_id) DO UPDATE SET bytes = bytes + excluded.bytes'),
      oldGroups: db.prepare('SELECT DISTINCT group_id FROM blobs WHERE received_at < ?'),
      dropOld: db.prepare('DELETE FROM blobs WHERE received_at < ?'),
      recount: db.prepare(
        'INSERT OR REPLACE INTO blob_totals (group_id, bytes) SELECT ?1, coalesce(sum(length(bytes)), 0) FROM blobs WHERE group_id = ?1'
      )
    }
  }

  /** Bytes of pieces kept for the group. */
  total(group: Uint8Array): number {
    return Number((this.q.total.get(group) as { bytes: number } | undefined)?.bytes ?? 0)
  }

  async put(group: Uint8Array, id: Uint8Array, bytes: Uint8Array): Promise<void> {
    const { changes } = this.q.insert.run(group, id, Date.now(), bytes)
    if (Number(changes) > 0) this.q.add.run(group, bytes.byteLength)
  }

  async get(group: Uint8Array, id: Uint8Array): Promise<Uint8Array | undefined> {
    return (this.q.get.get(group, id) as { bytes: Uint8Array } | undefined)?.bytes
  }

  /** Pieces are dropped by age only: a relay cannot tell which message a piece belongs to. */
  dropOlderThan(before: number): void {
    const groups = (this.q.oldGroups.all(before) as Array<{ group_id: Uint8Array }>).map((r) => r.group_id)
    this.q.dropOld.run(before)
    for (const group of groups) this.q.recount.run(group)
  }
}
