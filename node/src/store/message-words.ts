/**
 * The word index over the view rows (schema.ts, migration 8): which message
 * rows, and which edit rows, hold a word. Rows are only ever added (or all
 * of a group's deleted), so indexing is a high-water mark per table: every
 * row above it is indexed in one statement, which costs a fraction of
 * indexing each row as it is written. That happens once WORDS_AT_ONCE rows
 * wait, when nothing was written for WORDS_WHEN_IDLE_MS, and before every
 * search, so a search always sees every row. A row written but not yet
 * indexed when the process stops is indexed at the next start's first
 * search or write.
 *
 * A search answers with candidates, newest first (Store.searchMessageRows):
 * core renders each and keeps those whose current text holds the words.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite'
import { idIs } from './id-prefix.ts'
import { WhenIdle } from './when-idle.ts'

/**
 * Rows waiting that get their words indexed at once, writes going on or not:
 * a bound on what a search waits for (~80 ms at this many, measured in a
 * group of 1,000,000), and on the rows left to index at the next start.
 * Above a sync's catch-up (10,000 rows, ~1 s), so that a catch-up's words
 * are indexed once it is over instead of five times in its middle, where
 * they took ~40 ms of the ~1,000 in which its messages appear.
 */
export const WORDS_AT_ONCE = 20_000
/** Quiet time after the last write before the waiting rows' words are indexed. */
export const WORDS_WHEN_IDLE_MS = 300

const mark = (name: string): string => `(SELECT indexed FROM search_marks WHERE name = '${name}')`

/** Both kinds of rows holding the words, as (group, id, key, time) of the message each is or edits. */
const CANDIDATES = (where: string): string => `
  SELECT m.group_id, m.id, m.key, m.time FROM message_words w JOIN view_messages m ON m.rowid = w.rowid
  WHERE message_words MATCH :match ${where.replaceAll('$', 'm')}
  UNION
  SELECT m.group_id, m.id, m.key, m.time FROM edit_words w JOIN view_changes c ON c.rowid = w.rowid
  JOIN entries e INDEXED BY entries_by_id ON ${idIs('e', 'c.target')} AND e.group_id = c.group_id
  JOIN view_messages m INDEXED BY view_messages_in_order ON m.group_id = e.group_id AND m.key = e.key
  WHERE edit_words MATCH :match ${where.replaceAll('$', 'c')}`

export class MessageWords {
  private readonly statements: Record<'index' | 'forget' | 'lower' | 'forgetEntry', StatementSync[]> & Record<'inGroup' | 'inAll', StatementSync>
  private readonly write: (work: () => void) => void
  /** Rows written since the last indexing: a bound, never less than what waits. */
  private waiting: number
  private readonly idle = new WhenIdle(WORDS_WHEN_IDLE_MS, () => this.indexNow())

  /** `write` runs work in one of the store's write transactions, after what it wrote behind. */
  constructor(db: DatabaseSync, write: (work: () => void) => void) {
    this.write = write
    this.statements = {
      index: [
        db.prepare(`INSERT INTO message_words (rowid, text) SELECT rowid, text FROM view_messages WHERE rowid > ${mark('messages')}`),
        db.prepare(`UPDATE search_marks SET indexed = coalesce((SELECT max(rowid) FROM view_messages), indexed) WHERE name = 'messages'`),
        db.prepare(`INSERT INTO edit_words (rowid, text) SELECT rowid, text FROM view_changes WHERE rowid > ${mark('edits')} AND kind = 'edit'`),
        db.prepare(`UPDATE search_marks SET indexed = coalesce((SELECT max(rowid) FROM view_changes), indexed) WHERE name = 'edits'`)
      ],
      // a row leaves the index through the words it was indexed with: only rows at or below the mark were
      forget: [
        db.prepare(
          `INSERT INTO message_words (message_words, rowid, text)
           SELECT 'delete', rowid, text FROM view_messages WHERE group_id = ? AND rowid <= ${mark('messages')}`
        ),
        db.prepare(
          `INSERT INTO edit_words (edit_words, rowid, text)
           SELECT 'delete', rowid, text FROM view_changes WHERE group_id = ? AND kind = 'edit' AND rowid <= ${mark('edits')}`
        )
      ],
      // an erased entry's rows (sqlite-view.ts erase): its message, and its edit or any edit naming its message
      forgetEntry: [
        db.prepare(
          `INSERT INTO message_words (message_words, rowid, text)
           SELECT 'delete', rowid, text FROM view_messages WHERE group_id = ? AND key = ? AND rowid <= ${mark('messages')}`
        ),
        db.prepare(
          `INSERT INTO edit_words (edit_words, rowid, text)
           SELECT 'delete', rowid, text FROM view_changes
           WHERE group_id = ?1 AND kind = 'edit' AND (key = ?2 OR target = ?3) AND rowid <= ${mark('edits')}`
        )
      ],
      // rows added after a deletion take rowids above the highest left: the mark must not stay above them
      lower: [
        db.prepare(`UPDATE search_marks SET indexed = min(indexed, coalesce((SELECT max(rowid) FROM view_messages), 0)) WHERE name = 'messages'`),
        db.prepare(`UPDATE search_marks SET indexed = min(indexed, coalesce((SELECT max(rowid) FROM view_changes), 0)) WHERE name = 'edits'`)
      ],
      inGroup: db.prepare(`SELECT group_id, id FROM (${CANDIDATES('AND $.group_id = :group')}) ORDER BY key DESC LIMIT :limit OFFSET :offset`),
      inAll: db.prepare(`SELECT group_id, id FROM (${CANDIDATES('')}) ORDER BY time DESC, key DESC LIMIT :limit OFFSET :offset`)
    }
    // what a process that stopped before indexing them left waiting
    const waiting = db.prepare(
      `SELECT (SELECT count(*) FROM view_messages WHERE rowid > ${mark('messages')}) + (SELECT count(*) FROM view_changes WHERE rowid > ${mark('edits')}) AS n`
    )
    this.waiting = (waiting.get() as { n: number }).n
  }

  /** How many rows may wait for their words to be indexed (0: none do). */
  get wordsWaiting(): number {
    return this.waiting
  }

  /** Notes rows just written (or written behind): indexed at once past WORDS_AT_ONCE, else when the writes pause. */
  written(rows: number): void {
    if (rows === 0) return
    this.waiting += rows
    if (this.waiting >= WORDS_AT_ONCE) {
      this.indexNow()
      return
    }
    // indexed once the writes pause; if the store closes first, the rows stay waiting, indexed at the next start
    this.idle.touch()
  }

  /** Indexes every row above the marks, in one transaction. */
  indexNow(): void {
    this.idle.cancel()
    if (this.waiting === 0) return
    this.write(() => {
      for (const statement of this.statements.index) statement.run()
    })
    this.waiting = 0
  }

  /** Candidates for `words` (letters, digits, marks only: searchWords in core), newest first; indexes what waits first. */
  candidates(words: readonly string[], options: { group?: Uint8Array; limit: number; offset: number }): Array<{ group: Uint8Array; id: Uint8Array }> {
    this.indexNow()
    // each word as the start of a word; searchWords leaves no quote that could end the string
    const match = words.map((w) => `"${w.replaceAll('"', '')}"*`).join(' ')
    const { limit, offset } = options
    const rows =
      options.group === undefined
        ? this.statements.inAll.all({ match, limit, offset })
        : this.statements.inGroup.all({ match, group: options.group, limit, offset })
    return (rows as Array<{ group_id: Uint8Array; id: Uint8Array }>).map((r) => ({ group: r.group_id, id: r.id }))
  }

  /** Takes a group's rows out of the index; to be run in the write transaction that deletes them, before. */
  forgetGroup(group: Uint8Array): void {
    for (const statement of this.statements.forget) statement.run(group)
  }

  /** Takes an erased entry's rows out of the index; to be run in the write transaction that deletes them, before. */
  forgetEntry(group: Uint8Array, entry: { id: Uint8Array; key: Uint8Array }): void {
    const [messages, edits] = this.statements.forgetEntry as [StatementSync, StatementSync]
    messages.run(group, entry.key)
    edits.run(group, entry.key, entry.id)
  }

  /** After a group's rows are deleted, in the same transaction. */
  afterDelete(): void {
    for (const statement of this.statements.lower) statement.run()
  }

  stop(): void {
    this.idle.cancel()
  }
}
