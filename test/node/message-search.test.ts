/**
 * History and search of the SQLite store's view (sqlite-view.ts, with the
 * word index of message-words.ts and core's searchMessages): what a person
 * reads and finds must follow every change of what the group shows — new
 * messages, edits, deletes, reactions, a blocked member — with no index of
 * its own to lag behind, after a restart, an upgrade from a store of an
 * older version, or a forgotten group.
 */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { describe, it } from 'node:test'
import {
  type DeviceKey,
  decodeEntry,
  fromHex,
  GroupLog,
  type MessageRow,
  orderKey,
  type StoredEntry,
  searchMessages,
  storedEntryOf,
  toHex
} from '@causette/core'
import { SqliteStore, searchQuery, WORDS_AT_ONCE } from '@causette/node'
import { MIGRATIONS } from '../../node/src/store/schema.ts'
import { entryBytes, entryBytesOf, logEntries } from '../fixtures/entry-bytes.ts'
import { deviceKeys, merge, replicas, signatures } from '../fixtures/replicas.ts'
import { putRows } from '../fixtures/rows-with-entries.ts'
import { eventually, tempDir } from './fixtures/daemons.ts'
import { writeVersion5 } from './fixtures/version5-store.ts'

/** Texts of the messages a search finds in the log's group, newest first. */
async function found(store: SqliteStore, log: GroupLog, typed: string): Promise<string[]> {
  const hits = await searchMessages(store, searchQuery(typed), { group: log.id, limit: 10 }, (id) => (id === log.idHex ? log.view : undefined))
  return hits.map((hit) => hit.message.text)
}

/** Another member's message row number `n`, as a sync brings it (its id made up: the view's rows are what is indexed). */
function syncedRow(n: number, text: string): MessageRow {
  const author = new Uint8Array(32).fill(7)
  const id = createHash('sha256').update(`synced ${n}`).digest()
  return {
    kind: 'message',
    id,
    key: orderKey({ clock: 1_000 + n, author, id }),
    author: toHex(author),
    seq: n,
    time: n,
    shownTime: n,
    text,
    mentions: []
  }
}

/** A store and a group of one writer in it. */
async function searchableGroup(dir: string) {
  const store = await SqliteStore.open(join(dir, 'causette.db'))
  const [key] = (await deviceKeys(1)) as [DeviceKey]
  const log = await GroupLog.create({ name: 'Search', key, store, signatures })
  return { store, key, log, find: (typed: string) => found(store, log, typed) }
}

describe('history and search over the stored view', () => {
  it('finds words across case and accents, by the start of a word, whatever the punctuation typed', async () => {
    const dir = await tempDir()
    const { store, log, find } = await searchableGroup(dir.path)
    try {
      await log.append({ type: 'message', text: 'Rendez-vous à la Crêperie, 19 h' })
      await log.append({ type: 'message', text: 'NAÏVE question: is the ÉCOLE open?' })
      assert.deepEqual(await find('creperie'), ['Rendez-vous à la Crêperie, 19 h'])
      assert.deepEqual(await find('CRÊPE'), ['Rendez-vous à la Crêperie, 19 h'], 'the start of a word')
      assert.deepEqual(await find('naive ecole'), ['NAÏVE question: is the ÉCOLE open?'], 'every word must match')
      assert.deepEqual(await find('"école" (*'), ['NAÏVE question: is the ÉCOLE open?'], 'search syntax typed by a person is taken as words')
      assert.deepEqual(await find('naive creperie'), [])
      assert.deepEqual(await find('ole'), [], 'the start of a word, not its middle')
      assert.throws(() => searchQuery('*** !!'), { name: 'InvalidRequestError' })
    } finally {
      await store.close()
      await dir.remove()
    }
  })

  it('follows edits, deletes and reactions, even when they arrive before their message', async () => {
    const dir = await tempDir()
    const { store, log, find } = await searchableGroup(dir.path)
    try {
      const original = await log.append({ type: 'message', text: 'Meet at the north face' })
      await log.append({ type: 'edit', target: original.id, text: 'Meet at the south face' })
      assert.deepEqual(await find('north'), [], 'the text before the edit is found no more')
      assert.deepEqual(await find('south'), ['Meet at the south face'], 'the edited text is')
      await log.append({ type: 'reaction', target: original.id, emoji: '👍', add: true })
      const [row] = (await log.view.messages({ limit: 1 })).messages
      assert.equal(row?.edited, true)
      assert.deepEqual(row?.reactions, [{ emoji: '👍', authors: [original.authorHex] }])
      await log.append({ type: 'delete', target: original.id })
      assert.deepEqual(await find('south'), [], 'a deleted message is found no more')
      assert.equal((await log.view.messages({ limit: 1 })).messages[0]?.deleted, true)

      // another member's replica gets the edit before the message it edits
      const [, otherKey] = (await deviceKeys(2)) as [DeviceKey, DeviceKey]
      const otherDir = await tempDir()
      const otherStore = await SqliteStore.open(join(otherDir.path, 'causette.db'))
      try {
        const replica = await GroupLog.open({ groupId: log.id, secret: log.secret, key: otherKey, store: otherStore, signatures })
        const inviteId = await log.invite()
        await replica.add(await entryBytes(log))
        await log.add([await entryBytesOf(replica, await replica.join(inviteId))])
        // the member who sees the join grants the newcomer the key (with the earlier ones), as its rekey scheduler does
        await log.rekey()
        const late = await log.append({ type: 'message', text: 'Rope length 60 m' })
        const edit = await log.append({ type: 'edit', target: late.id, text: 'Rope length 70 m' })
        const [editBytes, lateBytes] = (await entryBytes(log, [edit, late])) as [Uint8Array, Uint8Array]
        await replica.add(
          await entryBytes(
            log,
            (await logEntries(log)).filter((e) => e.idHex !== edit.idHex && e.idHex !== late.idHex)
          )
        )
        await replica.add([editBytes])
        assert.deepEqual(await found(otherStore, replica, 'rope'), [], 'an edit alone shows nothing')
        await replica.add([lateBytes])
        assert.deepEqual(await found(otherStore, replica, 'rope'), ['Rope length 70 m'])
        assert.deepEqual(await found(otherStore, replica, '60'), [], 'found by its current text only')
      } finally {
        await otherStore.close()
        await otherDir.remove()
      }
    } finally {
      await store.close()
      await dir.remove()
    }
  })

  it('pages history newest last, before a message named by the start of its id', async () => {
    const dir = await tempDir()
    const { store, log } = await searchableGroup(dir.path)
    try {
      const sent: string[] = []
      for (let i = 0; i < 7; i++) sent.push((await log.append({ type: 'message', text: `message ${i}` })).idHex)
      const last = await log.view.messages({ limit: 3 })
      assert.deepEqual(
        last.messages.map((m) => m.text),
        ['message 4', 'message 5', 'message 6']
      )
      assert.equal(last.hasOlder, true)
      assert.deepEqual(await log.view.idsStartingWith((sent[4] as string).slice(0, 7)), [sent[4]])
      assert.deepEqual(await log.view.idsStartingWith((sent[4] as string).slice(0, 8)), [sent[4]], 'an even prefix too')
      const before = await log.view.messages({ limit: 3, before: sent[4] as string })
      assert.deepEqual(
        before.messages.map((m) => m.text),
        ['message 1', 'message 2', 'message 3']
      )
      const first = await log.view.messages({ limit: 3, before: sent[1] as string })
      assert.deepEqual(
        first.messages.map((m) => m.text),
        ['message 0']
      )
      assert.equal(first.hasOlder, false)
      assert.deepEqual(await log.view.idsStartingWith('ffffffffff'.slice(0, 10)).then((ids) => ids.filter((id) => !sent.includes(id))), [])
      assert.equal((await log.view.idsStartingWith('')).length, 2, 'an empty prefix names several')
      // forwards, as an export reads: every message once, in order
      const forward = [...(await log.view.messagesAfter(4)), ...(await log.view.messagesAfter(4, (await log.view.messagesAfter(4)).at(-1)?.key))]
      assert.deepEqual(
        forward.map((m) => m.message.text),
        sent.map((_, i) => `message ${i}`)
      )
      assert.equal(await log.view.countMessages(), 7)
    } finally {
      await store.close()
      await dir.remove()
    }
  })

  it('follows what the reader hides: a blocked author leaves history, search and the count, and comes back once unblocked', async () => {
    const dir = await tempDir()
    const store = await SqliteStore.open(join(dir.path, 'causette.db'))
    try {
      const [alice, bob] = await replicas(2, { creatorStore: store })
      if (alice === undefined || bob === undefined) throw new Error('two replicas')
      await bob.log.append({ type: 'message', text: 'Bob on the ridge' })
      await merge(bob, alice)
      await alice.log.append({ type: 'message', text: 'Alice on the ridge' })
      const shown = async () => ({
        history: (await alice.log.view.messages({ limit: 10 })).messages.map((m) => m.text),
        found: await found(store, alice.log, 'ridge'),
        count: await alice.log.view.countMessages()
      })
      const everything = { history: ['Bob on the ridge', 'Alice on the ridge'], found: ['Alice on the ridge', 'Bob on the ridge'], count: 2 }
      assert.deepEqual(await shown(), everything)
      await alice.log.setBlocked([toHex(bob.key.publicKey)])
      assert.deepEqual(await shown(), { history: ['Alice on the ridge'], found: ['Alice on the ridge'], count: 1 })
      await alice.log.setBlocked([])
      assert.deepEqual(await shown(), everything)
    } finally {
      await store.close()
      await dir.remove()
    }
  })

  it('finds the messages of a store of an older version, with its own index dropped, and new ones', async () => {
    const made = await tempDir()
    const first = await searchableGroup(made.path)
    await first.log.append({ type: 'message', text: 'Le Refuge du Goûter est complet' })
    const { log, key } = first
    const stored: StoredEntry[] = (await entryBytes(log)).map((bytes) => storedEntryOf(decodeEntry(bytes)))
    await first.store.close()
    await made.remove()
    const dir = await tempDir()
    const path = join(dir.path, 'causette.db')
    const last = stored.at(-1) as StoredEntry
    writeVersion5(path, log.id, stored, (db) => {
      db.prepare('INSERT INTO groups (id, secret, name, added_at) VALUES (?, ?, ?, ?)').run(log.id, log.secret, 'Search', 0)
      // the rendered row the daemon's index of that version kept, which the upgrade drops
      db.prepare(
        `INSERT INTO messages (group_id, id, key, author, time, text, edited, deleted, reply_to, mentions, reactions)
         VALUES (?, ?, ?, ?, 0, 'Le Refuge du Goûter est complet', 0, 0, NULL, '[]', '[]')`
      ).run(log.id, last.id, last.key, last.author)
    })

    const store = await SqliteStore.open(path)
    try {
      const reopened = await GroupLog.open({ groupId: log.id, secret: log.secret, key, store, signatures })
      await reopened.append({ type: 'message', text: 'Refuge plein, on bivouaque' })
      assert.deepEqual(await found(store, reopened, 'gouter'), ['Le Refuge du Goûter est complet'])
      assert.deepEqual(await found(store, reopened, 'refuge'), ['Refuge plein, on bivouaque', 'Le Refuge du Goûter est complet'])
      assert.deepEqual(await found(store, reopened, 'BIVOU refuge'), ['Refuge plein, on bivouaque'])
    } finally {
      await store.close()
    }
    const db = new DatabaseSync(path)
    try {
      const tables = (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all() as Array<{ name: string }>).map((t) => t.name)
      for (const gone of ['messages', 'message_search', 'search_pending', 'message_index_state']) assert.ok(!tables.includes(gone), `${gone} is gone`)
      assert.equal((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version, MIGRATIONS.length)
    } finally {
      db.close()
      await dir.remove()
    }
  })

  it('indexes words in bulk yet always finds the current text: edits before or after indexing, a restart, a forgotten group', async () => {
    const dir = await tempDir()
    const path = join(dir.path, 'causette.db')
    const { store, log, key, find } = await searchableGroup(dir.path)
    try {
      const early = await log.append({ type: 'message', text: 'Col du Géant at dawn' })
      assert.deepEqual(await find('geant'), ['Col du Géant at dawn'], 'a search indexes what waits first')
      assert.equal(store.wordsWaiting, 0)
      // edited once its words were indexed, and edited while still waiting
      await log.append({ type: 'edit', target: early.id, text: 'Col du Midi at dawn' })
      const late = await log.append({ type: 'message', text: 'Bivouac near the hut' })
      await log.append({ type: 'edit', target: late.id, text: 'Bivouac below the serac' })
      assert.ok(store.wordsWaiting > 0)
      assert.deepEqual(await find('geant'), [])
      assert.deepEqual(await find('midi'), ['Col du Midi at dawn'])
      assert.deepEqual(await find('hut'), [])
      assert.deepEqual(await find('serac'), ['Bivouac below the serac'])
      await log.append({ type: 'delete', target: late.id })
      assert.deepEqual(await find('bivouac'), [])

      // words still waiting when the process stopped are found after the restart
      await log.append({ type: 'message', text: 'Crampons left at the refuge' })
      assert.ok(store.wordsWaiting > 0)
      await store.close()
      const reopened = await SqliteStore.open(path)
      try {
        assert.ok(reopened.wordsWaiting > 0, 'what waited is still known to wait')
        const again = await GroupLog.open({ groupId: log.id, secret: log.secret, key, store: reopened, signatures })
        assert.deepEqual(await found(reopened, again, 'crampons'), ['Crampons left at the refuge'])
        await again.append({ type: 'message', text: 'Crampons found again' })
        // forgetting the group takes its messages out of search, indexed or waiting
        await reopened.deleteGroup(log.id)
        assert.deepEqual(await reopened.searchMessageRows(['crampons'], { limit: 10, offset: 0 }), [])
        // a group made after the deletion is indexed from its first message
        const [otherKey] = (await deviceKeys(1)) as [DeviceKey]
        const next = await GroupLog.create({ name: 'Next', key: otherKey, store: reopened, signatures })
        await next.append({ type: 'message', text: 'Crampons in the new group' })
        assert.deepEqual(await found(reopened, next, 'crampons'), ['Crampons in the new group'])
      } finally {
        await reopened.close()
      }
    } finally {
      await store.close()
      await dir.remove()
    }
  })

  it('indexes waiting words by itself once many wait, and when writes pause', async () => {
    const dir = await tempDir()
    const { store, log } = await searchableGroup(dir.path)
    try {
      await log.append({ type: 'message', text: 'one message' })
      assert.ok(store.wordsWaiting > 0)
      await eventually(() => store.wordsWaiting === 0, 'the words to be indexed once writes pause', 5_000)
      // a catch-up's batches (others' messages, as a sync brings them) wait while they come...
      const group = fromHex(log.idHex)
      const rows = (from: number, count: number): MessageRow[] => Array.from({ length: count }, (_, i) => syncedRow(from + i, `pitch ${from + i}`))
      for (let at = 0; at < 10_000; at += 1_000) await putRows(store, group, rows(at, 1_000))
      assert.equal(store.wordsWaiting, 10_000, 'a catch-up of 10,000 is indexed once it is over, not in its middle')
      await eventually(() => store.wordsWaiting === 0, 'the catch-up’s words to be indexed once writes pause', 5_000)
      // ...but past WORDS_AT_ONCE they are indexed at once, writes going on or not
      await putRows(store, group, rows(10_000, WORDS_AT_ONCE + 10))
      assert.equal(store.wordsWaiting, 0, `indexed at once past ${WORDS_AT_ONCE}, not left for a pause`)
    } finally {
      await store.close()
      await dir.remove()
    }
  })

  it('searches across groups newest first, and fills a page even when many candidates no longer hold the words', async () => {
    const dir = await tempDir()
    const { store, log } = await searchableGroup(dir.path)
    try {
      const [otherKey] = (await deviceKeys(1)) as [DeviceKey]
      const other = await GroupLog.create({ name: 'Other', key: otherKey, store, signatures })
      await log.append({ type: 'message', text: 'Summit at dawn' })
      await new Promise((resolve) => setTimeout(resolve, 5))
      await other.append({ type: 'message', text: 'Summit at noon' })
      await new Promise((resolve) => setTimeout(resolve, 5))
      // newer: 40 messages that held the word and were edited not to, candidates that fail core's check (more than a first round reads)
      for (let i = 0; i < 40; i++) {
        const m = await log.append({ type: 'message', text: `summit ${i}` })
        await log.append({ type: 'edit', target: m.id, text: `valley ${i}` })
      }
      const views = new Map([
        [log.idHex, log.view],
        [other.idHex, other.view]
      ])
      const hits = await searchMessages(store, ['summit'], { limit: 2 }, (id) => views.get(id))
      assert.deepEqual(
        hits.map((h) => [h.groupId, h.message.text]),
        [
          [other.idHex, 'Summit at noon'],
          [log.idHex, 'Summit at dawn']
        ]
      )
    } finally {
      await store.close()
      await dir.remove()
    }
  })
})
