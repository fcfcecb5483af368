/**
 * The SQLite store finds entries by id through an index of the first bytes
 * of ids, and keeps an entry unique by its order key (migration 17,
 * node/src/store/id-prefix.ts): ids sharing those bytes are told apart, an
 * entry stored twice is held once, and a file of schema version 16 keeps
 * its entries and heads through the upgrade. What every engine must do is
 * in the conformance suite.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { describe, it } from 'node:test'
import { orderKey, type StoredEntry } from '@causette/core'
import { SqliteStore } from '@causette/node'
import { MIGRATIONS } from '../../node/src/store/schema.ts'

const GROUP = new Uint8Array(32).fill(1)
const AUTHOR = new Uint8Array(32).fill(2)

/** An entry whose id starts with 4 bytes every other id of these tests shares, then `n`. */
function entry(n: number, parents: Uint8Array[] = []): StoredEntry {
  const id = new Uint8Array(32).fill(0xab)
  id[4] = n
  return { id, key: orderKey({ clock: n, author: AUTHOR, id }), author: AUTHOR, seq: n, parents, bytes: new Uint8Array([n, n, n]) }
}

/** A file as schema version 16 left it: entries unique by (group, id), their count, and the last one a head. */
function writeVersion16(path: string, entries: StoredEntry[]): void {
  const db = new DatabaseSync(path)
  try {
    for (const migration of MIGRATIONS.slice(0, 16)) db.exec(migration)
    db.exec('PRAGMA user_version = 16')
    const insert = db.prepare('INSERT INTO entries (group_id, id, key, author, seq, bytes, parents) VALUES (?, ?, ?, ?, ?, ?, ?)')
    for (const e of entries) insert.run(GROUP, e.id, e.key, e.author, e.seq, e.bytes, e.parents[0] ?? new Uint8Array(0))
    db.prepare('INSERT INTO heads (group_id, id) VALUES (?, ?)').run(GROUP, (entries.at(-1) as StoredEntry).id)
    db.prepare('INSERT INTO entry_counts (group_id, entries) VALUES (?, ?)').run(GROUP, entries.length)
  } finally {
    db.close()
  }
}

describe('SQLite entries by id', () => {
  it('keeps the entries and heads of a file of schema version 16, tells apart ids that start alike, and holds an entry stored again once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'causette-by-id-'))
    const path = join(dir, 'causette.db')
    try {
      const first = entry(1)
      const second = entry(2, [first.id])
      writeVersion16(path, [first, second])
      const store = await SqliteStore.open(path)
      try {
        const absent = entry(3)
        assert.deepEqual(await store.getEntries(GROUP, [second.id, absent.id, first.id]), [second.bytes, undefined, first.bytes])
        assert.deepEqual(await store.hasEntries(GROUP, [first.id, absent.id]), [true, false])
        assert.deepEqual(await store.heads(GROUP), [second.id])

        const third = entry(3, [second.id])
        await store.putEntries(GROUP, [second, third])
        await store.putEntries(GROUP, [third])
        assert.equal(await store.countEntries(GROUP), 3, 'entries held already are not stored again')
        assert.deepEqual(await store.heads(GROUP), [third.id])
        assert.deepEqual(
          (await store.listEntries(GROUP)).map((e) => e.bytes),
          [first.bytes, second.bytes, third.bytes]
        )
      } finally {
        await store.close()
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
