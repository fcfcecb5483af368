/**
 * The SQLite store's view rows and its write-behind (commits.ts): rows of
 * others' entries are committed within a window, yet every read and every
 * shown-time change after the write resolved sees them, and close()
 * commits them; rows of this device's own entries are committed at once.
 * A file of schema version 9 keeps its rows through the migration that
 * adds polls and pins, and one of version 15 through the one that finds
 * message rows by key and by the start of their id. What every engine must do with view rows is in the
 * conformance suite.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { describe, it } from 'node:test'
import { setTimeout } from 'node:timers/promises'
import { type MessageRow, type Operation, type ReactionRow, readPinned, renderMessages, rowsOf, toHex, type ViewRow } from '@causette/core'
import { SqliteStore } from '@causette/node'
import { WRITE_BEHIND_MS } from '../../node/src/store/commits.ts'
import { MIGRATIONS } from '../../node/src/store/schema.ts'
import { entriesOfRows, putRows } from '../fixtures/rows-with-entries.ts'
import { AUTHORS } from '../fixtures/view-entries.ts'
import { readCommitted } from './fixtures/committed-copy.ts'

const GROUP = new Uint8Array(32).fill(1)
const OTHER_GROUP = new Uint8Array(32).fill(2)
const [OWN, OTHER] = AUTHORS as [Uint8Array, Uint8Array]

function rowOf(n: number, author: Uint8Array, op: Operation, role = 'member'): ViewRow[] {
  const id = new Uint8Array(32).fill(n)
  return rowsOf({ id, idHex: toHex(id), authorHex: toHex(author), clock: n, seq: n, time: 1000 * n, op, role })
}

/** The rows' entries as a file of schema version 9 to 16 holds them (stand-ins: rows-with-entries.ts). */
function insertEntries(db: DatabaseSync, rows: ViewRow[]): void {
  const insert = db.prepare('INSERT INTO entries (group_id, id, key, author, seq, bytes) VALUES (?, ?, ?, ?, ?, ?)')
  for (const e of entriesOfRows(rows)) insert.run(GROUP, e.id, e.key, e.author, e.seq, e.bytes)
}

/** A file as schema version 9 left it, holding a message and a reaction to it, written as that version wrote them. */
function writeVersion9(path: string, message: MessageRow, reaction: ReactionRow): void {
  const db = new DatabaseSync(path)
  try {
    for (const migration of MIGRATIONS.slice(0, 9)) db.exec(migration)
    db.exec('PRAGMA user_version = 9')
    const m = message
    db.prepare(
      'INSERT INTO view_messages (group_id, id, key, author, seq, time, shown_time, text, reply_to, mentions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)'
    ).run(GROUP, m.id, m.key, Buffer.from(m.author, 'hex'), m.seq, m.time, m.shownTime, m.text, '')
    const r = reaction
    db.prepare(
      'INSERT INTO view_changes (group_id, key, target, author, seq, kind, text, role, emoji, added) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, ?, 1)'
    ).run(GROUP, r.key, r.target, Buffer.from(r.author, 'hex'), r.seq, 'reaction', r.emoji)
    insertEntries(db, [message, reaction])
  } finally {
    db.close()
  }
}

/**
 * A file as schema version 15 left it: message rows (the first deleted, so
 * rowids start with a gap) with their words indexed, unique by (group, id).
 */
function writeVersion15(path: string, messages: MessageRow[]): void {
  const db = new DatabaseSync(path)
  try {
    for (const migration of MIGRATIONS.slice(0, 15)) db.exec(migration)
    db.exec('PRAGMA user_version = 15')
    const insert = db.prepare(
      'INSERT INTO view_messages (group_id, id, key, author, seq, time, shown_time, text, reply_to, mentions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)'
    )
    for (const m of messages) insert.run(GROUP, m.id, m.key, Buffer.from(m.author, 'hex'), m.seq, m.time, m.shownTime, m.text, '')
    insertEntries(db, messages)
    db.exec('DELETE FROM view_messages WHERE rowid = 1')
    db.exec('INSERT INTO message_words (rowid, text) SELECT rowid, text FROM view_messages')
    db.exec("UPDATE search_marks SET indexed = (SELECT max(rowid) FROM view_messages) WHERE name = 'messages'")
  } finally {
    db.close()
  }
}

/** View rows committed to the file: what a crash now would leave (the store's own reads also see what waits to be committed). */
function committedMessages(path: string): number {
  return readCommitted(path, (db) => (db.prepare('SELECT count(*) AS n FROM view_messages').get() as { n: number }).n)
}

describe('SQLite view rows', () => {
  it("writes others' rows behind, reads them at once, and commits them within the window or on close; its own at once", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'causette-view-'))
    const path = join(dir, 'causette.db')
    try {
      let store = await SqliteStore.open(path)
      store.setDurableAuthor(OWN)
      const theirs = rowOf(1, OTHER, { type: 'message', text: 'theirs' })
      await putRows(store, GROUP, theirs)
      assert.equal(committedMessages(path), 0, 'written behind')
      await store.setShownTimes(GROUP, [{ id: (theirs[0] as ViewRow & { id: Uint8Array }).id, shownTime: 500 }])
      const page = await store.messageRows(GROUP, { limit: 10, hidden: [] })
      assert.deepEqual(
        renderMessages(page).map((m) => [m.text, m.time]),
        [['theirs', 500]],
        'read, and its shown time set, as soon as the write resolved'
      )
      assert.equal(committedMessages(path), 0, 'a read commits nothing')

      await putRows(store, GROUP, rowOf(2, OTHER, { type: 'message', text: 'theirs again' }))
      assert.equal(committedMessages(path), 0)
      await putRows(store, GROUP, rowOf(3, OWN, { type: 'message', text: 'mine' }))
      assert.equal(committedMessages(path), 3, 'its own rows are committed at once, with what was behind')

      await putRows(store, GROUP, rowOf(4, OTHER, { type: 'message', text: 'theirs, once more' }))
      assert.equal(committedMessages(path), 3, 'written behind')
      await setTimeout(WRITE_BEHIND_MS + 100)
      assert.equal(committedMessages(path), 4, 'committed when the window ended, with no read or write to push it')

      await putRows(store, GROUP, rowOf(5, OTHER, { type: 'message', text: 'theirs, last' }))
      await store.close()
      store = await SqliteStore.open(path)
      const texts = renderMessages(await store.messageRows(GROUP, { limit: 10, hidden: [] })).map((m) => m.text)
      assert.deepEqual(texts, ['theirs', 'theirs again', 'mine', 'theirs, once more', 'theirs, last'], 'close committed what was behind')
      await store.close()
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('keeps the rows of a file of schema version 9, and holds polls and pins once upgraded', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'causette-view-'))
    const path = join(dir, 'causette.db')
    try {
      const [message] = rowOf(1, OTHER, { type: 'message', text: 'from before polls' }) as [MessageRow]
      const [reaction] = rowOf(2, OWN, { type: 'reaction', target: message.id, emoji: '👍', add: true }) as [ReactionRow]
      writeVersion9(path, message, reaction)
      const store = await SqliteStore.open(path)
      try {
        const [kept] = renderMessages(await store.messageRows(GROUP, { limit: 10, hidden: [] }))
        assert.deepEqual(
          [kept?.text, kept?.reactions, kept?.pinned, kept?.poll],
          ['from before polls', [{ emoji: '👍', authors: [toHex(OWN)] }], false, undefined]
        )

        const poll = rowOf(3, OWN, { type: 'message', text: 'Rope or boulder?', poll: { options: ['Rope', 'Boulder'], multiple: false } })
        const id = (poll[0] as MessageRow).id
        await putRows(store, GROUP, [
          ...poll,
          ...rowOf(4, OTHER, { type: 'vote', poll: id, choices: [1] }),
          ...rowOf(5, OWN, { type: 'pin', target: message.id, pinned: true }, 'admin')
        ])
        const [, shownPoll] = renderMessages(await store.messageRows(GROUP, { limit: 10, hidden: [] }))
        assert.deepEqual(
          shownPoll?.poll?.options.map((o) => [o.text, o.voters]),
          [
            ['Rope', []],
            ['Boulder', [toHex(OTHER)]]
          ]
        )
        assert.deepEqual(
          (await readPinned(store, GROUP, [])).map((m) => m.text),
          ['from before polls']
        )
      } finally {
        await store.close()
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
  it('keeps the message rows of a file of schema version 15, found by id, by the start of their id and by their words', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'causette-view-'))
    const path = join(dir, 'causette.db')
    try {
      const [gone, second, third] = [1, 2, 3].map((n) => rowOf(n, OTHER, { type: 'message', text: `word${n} kept` })[0]) as MessageRow[]
      writeVersion15(path, [gone as MessageRow, second as MessageRow, third as MessageRow])
      const store = await SqliteStore.open(path)
      try {
        const { id } = third as MessageRow
        assert.deepEqual(
          renderMessages(await store.messageRowsById(GROUP, [id], [])).map((m) => m.text),
          ['word3 kept']
        )
        assert.deepEqual(await store.messageIds(GROUP, { from: id.subarray(0, 1), to: new Uint8Array([4]), limit: 2 }), [id])
        const found = await store.searchMessageRows(['word3'], { group: GROUP, limit: 10, offset: 0 })
        assert.deepEqual(
          found.map((f) => f.id),
          [id],
          'the word index still names each row by its rowid'
        )

        await putRows(store, GROUP, rowOf(2, OTHER, { type: 'message', text: 'word2 kept' }))
        await store.setShownTimes(GROUP, [{ id: (second as MessageRow).id, shownTime: 7 }])
        const page = renderMessages(await store.messageRows(GROUP, { limit: 10, hidden: [] }))
        assert.deepEqual(
          page.map((m) => [m.text, m.time]),
          [
            ['word2 kept', 7],
            ['word3 kept', 3000]
          ],
          'a row stored again is kept once'
        )
        // counted from the rows the upgrade found (migration 18), and a row stored again is not counted twice
        assert.equal(await store.countMessageRows(GROUP, []), 2)
        const fourth = rowOf(4, OTHER, { type: 'message', text: 'word4 new' })
        await putRows(store, GROUP, fourth)
        await putRows(store, GROUP, fourth)
        assert.equal(await store.countMessageRows(GROUP, []), 3)
        assert.equal(await store.countMessageRows(OTHER_GROUP, []), 0)
      } finally {
        await store.close()
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
