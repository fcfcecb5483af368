/**
 * The SQL the SQLite store runs on its own tables (schema.ts): entries,
 * heads, authors' seqs, entry counts, equivocations and group records,
 * prepared once per connection.
 * The facts columns, the view and what an opening log reads have theirs
 * beside them (entry-facts.ts, sqlite-view.ts, opening-reads.ts).
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite'
import { FACTS_COLUMNS } from './entry-facts.ts'
import { idIs } from './id-prefix.ts'

export interface Statements {
  insertEntry: StatementSync
  deleteHead: StatementSync
  insertHead: StatementSync
  raiseAuthorSeq: StatementSync
  getEntry: StatementSync
  listEntries: StatementSync
  heads: StatementSync
  authorSeqs: StatementSync
  countEntries: StatementSync
  hasEntry: StatementSync
  idsAt: StatementSync
  keysFrom: StatementSync
  keysBetween: StatementSync
  putGroup: StatementSync
  getGroup: StatementSync
  listGroups: StatementSync
  deleteHeads: StatementSync
  deleteAuthorSeqs: StatementSync
  deleteEntries: StatementSync
  deleteGroup: StatementSync
  authorSeq: StatementSync
  addCount: StatementSync
  noteEquivocated: StatementSync
  deleteCount: StatementSync
  deleteEquivocated: StatementSync
  setExpiry: StatementSync
  expiring: StatementSync
  eraseEntry: StatementSync
}

export function prepareStatements(db: DatabaseSync): Statements {
  return {
    // ON CONFLICT DO NOTHING rather than INSERT OR IGNORE: only an entry
    // held already (its order key holds its id) is skipped; any other
    // constraint still fails loudly
    insertEntry: db.prepare(
      `INSERT INTO entries (group_id, id, key, author, seq, bytes, ${FACTS_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (group_id, key) DO NOTHING`
    ),
    deleteHead: db.prepare('DELETE FROM heads WHERE group_id = ? AND id = ?'),
    insertHead: db.prepare('INSERT INTO heads (group_id, id) VALUES (?, ?)'),
    raiseAuthorSeq: db.prepare(
      'INSERT INTO author_seqs (group_id, author, seq) VALUES (?, ?, ?) ON CONFLICT (group_id, author) DO UPDATE SET seq = max(seq, excluded.seq)'
    ),
    getEntry: db.prepare(`SELECT bytes FROM entries e INDEXED BY entries_by_id WHERE ${idIs('e', '?2')} AND e.group_id = ?1`),
    listEntries: db.prepare('SELECT key, bytes FROM entries WHERE group_id = ? AND key > ? ORDER BY key LIMIT ?'),
    heads: db.prepare('SELECT id FROM heads WHERE group_id = ? ORDER BY id'),
    authorSeqs: db.prepare('SELECT author, seq FROM author_seqs WHERE group_id = ?'),
    countEntries: db.prepare('SELECT entries AS n FROM entry_counts WHERE group_id = ?'),
    hasEntry: db.prepare(`SELECT 1 FROM entries e INDEXED BY entries_by_id WHERE ${idIs('e', '?2')} AND e.group_id = ?1`),
    idsAt: db.prepare('SELECT id FROM entries WHERE group_id = ? AND author = ? AND seq = ?'),
    keysFrom: db.prepare('SELECT key FROM entries WHERE group_id = ? AND key >= ? ORDER BY key LIMIT ?'),
    keysBetween: db.prepare('SELECT key FROM entries WHERE group_id = ? AND key >= ? AND key < ? ORDER BY key LIMIT ?'),
    // an update keeps the group's position and the time it was first added
    putGroup: db.prepare(
      'INSERT INTO groups (id, secret, name, added_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET secret = excluded.secret, name = excluded.name'
    ),
    getGroup: db.prepare('SELECT id, secret, name, added_at FROM groups WHERE id = ?'),
    listGroups: db.prepare('SELECT id, secret, name, added_at FROM groups ORDER BY position'),
    deleteHeads: db.prepare('DELETE FROM heads WHERE group_id = ?'),
    deleteAuthorSeqs: db.prepare('DELETE FROM author_seqs WHERE group_id = ?'),
    deleteEntries: db.prepare('DELETE FROM entries WHERE group_id = ?'),
    deleteGroup: db.prepare('DELETE FROM groups WHERE id = ?'),
    authorSeq: db.prepare('SELECT seq FROM author_seqs WHERE group_id = ? AND author = ?'),
    addCount: db.prepare(
      'INSERT INTO entry_counts (group_id, entries) VALUES (?, ?) ON CONFLICT (group_id) DO UPDATE SET entries = entries + excluded.entries'
    ),
    // every id the author's seq is held under, the one just inserted included
    noteEquivocated: db.prepare(
      `INSERT INTO equivocated (group_id, author, seq, id) SELECT group_id, author, seq, id FROM entries
       WHERE group_id = ?1 AND author = ?2 AND seq = ?3 AND (SELECT count(*) FROM entries WHERE group_id = ?1 AND author = ?2 AND seq = ?3) > 1
       ON CONFLICT DO NOTHING`
    ),
    deleteCount: db.prepare('DELETE FROM entry_counts WHERE group_id = ?'),
    deleteEquivocated: db.prepare('DELETE FROM equivocated WHERE group_id = ?'),
    setExpiry: db.prepare(`UPDATE entries AS e INDEXED BY entries_by_id SET expires = ?1 WHERE ${idIs('e', '?3')} AND e.group_id = ?2`),
    // through the partial index of entries waiting to be erased
    expiring: db.prepare(
      'SELECT id, key, bytes, expires FROM entries WHERE group_id = ? AND expires IS NOT NULL AND expires <= ? ORDER BY expires, key LIMIT ?'
    ),
    eraseEntry: db.prepare(
      `UPDATE entries AS e INDEXED BY entries_by_id SET bytes = ?1, expires = NULL WHERE ${idIs('e', '?3')} AND e.group_id = ?2 RETURNING key`
    )
  }
}
