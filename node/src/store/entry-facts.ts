/**
 * Entry facts in the SQLite store: the columns migrations 6 and 14 gave `entries`
 * (schema.ts), written with an entry or set later, and read back as core's
 * StoredFacts. An entry has facts exactly when its frontier is set. Rows
 * written before migration 6 have no parents column either; their encoding
 * holds the parents, decoded when their facts are read.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite'
import { decodeEntry, type EntryFacts, fromOrderKey, joinEntryIds, type StoredFacts, splitEntryIds } from '@causette/core'
import { idIs } from './id-prefix.ts'

/** The columns after `bytes` in an entry's insert, in the order of `factsColumns`. */
export const FACTS_COLUMNS = 'time, shown_time, epoch, role, frontier, membership, parents, person'

type FactsColumns = [number | null, number | null, string | null, string | null, string | null, number | null, Uint8Array, string | null]

/** The values of FACTS_COLUMNS for an entry: NULL facts where it comes without them. */
export function factsColumns(facts: EntryFacts | undefined, parents: Uint8Array[]): FactsColumns {
  const joined = parents.length === 1 ? (parents[0] as Uint8Array) : joinEntryIds(parents)
  if (facts === undefined) return [null, null, null, null, null, null, joined, null]
  return [
    facts.time,
    facts.shownTime,
    facts.epoch,
    facts.role ?? null,
    facts.frontier,
    facts.membership === true ? 1 : null,
    joined,
    facts.person ?? null
  ]
}

interface FactsRow {
  id: Uint8Array
  key: Uint8Array
  author: Uint8Array
  seq: number
  time: number
  shown_time: number
  epoch: string
  role: string | null
  person: string | null
  frontier: string
  membership: number | null
  parents: Uint8Array | null
  /** Only where parents is NULL. */
  bytes: Uint8Array | null
}

/** The statements reading and setting facts; writes run inside the store's transactions. */
export class FactsStatements {
  private readonly select: StatementSync
  private readonly update: StatementSync
  private readonly lacking: StatementSync

  constructor(db: DatabaseSync) {
    this.select = db.prepare(
      `SELECT id, key, author, seq, time, shown_time, epoch, role, person, frontier, membership, parents, CASE WHEN parents IS NULL THEN bytes END AS bytes
       FROM entries e INDEXED BY entries_by_id WHERE ${idIs('e', '?2')} AND e.group_id = ?1 AND e.frontier IS NOT NULL`
    )
    this.update = db.prepare(
      `UPDATE entries AS e INDEXED BY entries_by_id SET time = ?1, shown_time = ?2, epoch = ?3, role = ?4, person = ?5, frontier = ?6, membership = ?7
       WHERE ${idIs('e', '?9')} AND e.group_id = ?8`
    )
    // answered from the partial index entries_lacking_facts
    this.lacking = db.prepare('SELECT EXISTS (SELECT 1 FROM entries WHERE group_id = ? AND frontier IS NULL) AS lacking')
  }

  get(group: Uint8Array, ids: Uint8Array[]): Array<StoredFacts | undefined> {
    return ids.map((id) => {
      const row = this.select.get(group, id) as FactsRow | undefined
      return row === undefined ? undefined : storedFactsOf(row)
    })
  }

  /** Sets the facts of the held entries among these; the caller holds the transaction. */
  put(group: Uint8Array, facts: Array<EntryFacts & { id: Uint8Array }>): void {
    for (const f of facts)
      this.update.run(f.time, f.shownTime, f.epoch, f.role ?? null, f.person ?? null, f.frontier, f.membership === true ? 1 : null, group, f.id)
  }

  lacks(group: Uint8Array): boolean {
    return (this.lacking.get(group) as { lacking: number }).lacking === 1
  }
}

function storedFactsOf(row: FactsRow): StoredFacts {
  const facts: StoredFacts = {
    id: row.id,
    author: row.author,
    seq: row.seq,
    clock: fromOrderKey(row.key).clock,
    // the row's id spares hashing the encoding again
    parents: row.parents === null ? decodeEntry(row.bytes as Uint8Array, row.id).parents : splitEntryIds(row.parents),
    time: row.time,
    shownTime: row.shown_time,
    epoch: row.epoch,
    frontier: row.frontier
  }
  if (row.role !== null) facts.role = row.role
  if (row.person !== null) facts.person = row.person
  if (row.membership === 1) facts.membership = true
  return facts
}
