/**
 * The daemon's message index: the rendered messages of a group in SQLite,
 * which history, search and export read. It must follow every change of
 * the view (new messages, edits, deletes, reactions), and a daemon that died
 * before indexing what it had stored must find the index rebuilt.
 */
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { describe, it } from 'node:test'
import { type DeviceKey, GroupLog, toHex } from '@causette/core'
import { MessageIndex, MessageIndexer, SqliteStore, searchQuery, WORDS_AT_ONCE } from '@causette/node'
import { entryBytes, entryBytesOf, logEntries } from '../fixtures/entry-bytes.ts'
import { deviceKeys, merge, replicas, signatures } from '../fixtures/replicas.ts'
import { eventually, tempDir } from './fixtures/daemons.ts'

/** A store, a group of one writer, and its index kept by the indexer as the daemon keeps it. */
async function indexedGroup(dir: string) {
  const store = await SqliteStore.open(join(dir, 'causette.db'))
  const [key] = (await deviceKeys(1)) as [DeviceKey]
  const log = await GroupLog.create({ name: 'Index', key, store, signatures })
  const index = new MessageIndex(store)
  const indexer = new MessageIndexer(index)
  await indexer.catchUp(log)
  log.addEventListener('entries', (evt) => void indexer.apply(log, evt.detail.entries))
  // reads flush what the indexer noted, as the daemon's reads do
  const read = async (): Promise<MessageIndex> => {
    await indexer.flush()
    return index
  }
  const found = async (words: string) => (await read()).search(searchQuery(words), { groupId: log.id, limit: 10 }).map((hit) => hit.message.text)
  return { store, key, log, read, found }
}

describe('message index', () => {
  it('finds words across case and accents, by the start of a word, whatever the punctuation typed', async () => {
    const dir = await tempDir()
    const { store, log, found } = await indexedGroup(dir.path)
    try {
      await log.append({ type: 'message', text: 'Rendez-vous à la Crêperie, 19 h' })
      await log.append({ type: 'message', text: 'NAÏVE question: is the ÉCOLE open?' })
      assert.deepEqual(await found('creperie'), ['Rendez-vous à la Crêperie, 19 h'])
      assert.deepEqual(await found('CRÊPE'), ['Rendez-vous à la Crêperie, 19 h'], 'the start of a word')
      assert.deepEqual(await found('naive ecole'), ['NAÏVE question: is the ÉCOLE open?'], 'every word must match')
      assert.deepEqual(await found('"école" (*'), ['NAÏVE question: is the ÉCOLE open?'], 'search syntax typed by a person is taken as words')
      assert.deepEqual(await found('naive creperie'), [])
      assert.throws(() => searchQuery('*** !!'), { name: 'InvalidRequestError' })
    } finally {
      await store.close()
      await dir.remove()
    }
  })

  it('follows edits, deletes and reactions, even when they arrive before their message', async () => {
    const dir = await tempDir()
    const { store, log, read, found } = await indexedGroup(dir.path)
    try {
      const original = await log.append({ type: 'message', text: 'Meet at the north face' })
      await log.append({ type: 'edit', target: original.id, text: 'Meet at the south face' })
      assert.deepEqual(await found('north'), [])
      assert.deepEqual(await found('south'), ['Meet at the south face'])
      await log.append({ type: 'reaction', target: original.id, emoji: '👍', add: true })
      const [row] = (await read()).page(log.id, { limit: 1 }).messages
      assert.equal(row?.edited, true)
      assert.deepEqual(row?.reactions, [{ emoji: '👍', authors: [log.get(original.idHex)?.authorHex] }])
      await log.append({ type: 'delete', target: original.id })
      assert.deepEqual(await found('south'), [], 'a deleted message is found no more')
      assert.equal((await read()).page(log.id, { limit: 1 }).messages[0]?.deleted, true)

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
        const replicaIndex = new MessageIndex(otherStore)
        const replicaIndexer = new MessageIndexer(replicaIndex)
        replica.addEventListener('entries', (evt) => void replicaIndexer.apply(replica, evt.detail.entries))
        const [editBytes, lateBytes] = (await entryBytes(log, [edit, late])) as [Uint8Array, Uint8Array]
        await replica.add(
          await entryBytes(
            log,
            (await logEntries(log)).filter((e) => e.idHex !== edit.idHex && e.idHex !== late.idHex)
          )
        )
        await replica.add([editBytes])
        await replica.add([lateBytes])
        await replicaIndexer.flush()
        assert.deepEqual(
          replicaIndex.search(searchQuery('rope'), { groupId: log.id, limit: 10 }).map((h) => h.message.text),
          ['Rope length 70 m']
        )
      } finally {
        await otherStore.close()
        await otherDir.remove()
      }
    } finally {
      await store.close()
      await dir.remove()
    }
  })

  it('pages history newest last, and before a given message', async () => {
    const dir = await tempDir()
    const { store, log, read } = await indexedGroup(dir.path)
    try {
      const sent: string[] = []
      for (let i = 0; i < 7; i++) sent.push((await log.append({ type: 'message', text: `message ${i}` })).idHex)
      const index = await read()
      const last = index.page(log.id, { limit: 3 })
      assert.deepEqual(
        last.messages.map((m) => m.text),
        ['message 4', 'message 5', 'message 6']
      )
      assert.equal(last.hasOlder, true)
      const before = index.page(log.id, { limit: 3, before: index.resolveId(log.id, (sent[4] as string).slice(0, 7)) })
      assert.deepEqual(
        before.messages.map((m) => m.text),
        ['message 1', 'message 2', 'message 3']
      )
      const first = index.page(log.id, { limit: 3, before: index.resolveId(log.id, sent[1] as string) })
      assert.deepEqual(
        first.messages.map((m) => m.text),
        ['message 0']
      )
      assert.equal(first.hasOlder, false)
      assert.throws(() => index.resolveId(log.id, 'ffffffffff'), { name: 'UnknownMessageError' })
    } finally {
      await store.close()
      await dir.remove()
    }
  })

  it('follows the view when the log rebuilds it: a blocked author leaves history and search, and comes back once unblocked', async () => {
    const dir = await tempDir()
    const store = await SqliteStore.open(join(dir.path, 'causette.db'))
    try {
      const [alice, bob] = await replicas(2)
      if (alice === undefined || bob === undefined) throw new Error('two replicas')
      const index = new MessageIndex(store)
      const indexer = new MessageIndexer(index)
      await indexer.catchUp(alice.log)
      // as the daemon wires it
      alice.log.addEventListener('entries', (evt) => void indexer.apply(alice.log, evt.detail.entries))
      alice.log.addEventListener('rebuilt', () => indexer.invalidate(alice.log))
      await bob.log.append({ type: 'message', text: 'Bob on the ridge' })
      await merge(bob, alice)
      await alice.log.append({ type: 'message', text: 'Alice on the ridge' })
      const shown = async () => {
        await indexer.flush()
        return {
          history: index.page(alice.log.id, { limit: 10 }).messages.map((m) => m.text),
          found: index.search(searchQuery('ridge'), { groupId: alice.log.id, limit: 10 }).map((h) => h.message.text)
        }
      }
      assert.deepEqual(await shown(), { history: ['Bob on the ridge', 'Alice on the ridge'], found: ['Alice on the ridge', 'Bob on the ridge'] })
      await alice.log.setBlocked([toHex(bob.key.publicKey)])
      assert.deepEqual(await shown(), { history: ['Alice on the ridge'], found: ['Alice on the ridge'] })
      await alice.log.setBlocked([])
      assert.deepEqual(await shown(), { history: ['Bob on the ridge', 'Alice on the ridge'], found: ['Alice on the ridge', 'Bob on the ridge'] })
    } finally {
      await store.close()
      await dir.remove()
    }
  })

  it('still finds the messages of a store made before words were indexed in bulk without positions, and new ones', async () => {
    const dir = await tempDir()
    const path = join(dir.path, 'causette.db')
    const first = await indexedGroup(dir.path)
    await first.log.append({ type: 'message', text: 'Le Refuge du Goûter est complet' })
    await first.read()
    const { log, key } = first
    await first.store.close()
    // the entries as schema version 5 had them (no facts), and the word index
    // as version 3 had it: with positions, filled from the messages, kept by triggers
    const db = new DatabaseSync(path)
    db.exec(`
      DROP TABLE view_messages;
      DROP TABLE view_changes;
      DROP TABLE view_registers;
      DROP INDEX entries_by_seq;
      DROP INDEX entries_lacking_facts;
      DROP INDEX entries_of_membership;
      ALTER TABLE entries DROP COLUMN membership;
      ALTER TABLE entries DROP COLUMN time;
      ALTER TABLE entries DROP COLUMN shown_time;
      ALTER TABLE entries DROP COLUMN epoch;
      ALTER TABLE entries DROP COLUMN role;
      ALTER TABLE entries DROP COLUMN frontier;
      ALTER TABLE entries DROP COLUMN parents;
      DROP TABLE search_pending;
      DROP TRIGGER messages_searchable;
      DROP TRIGGER messages_unsearchable;
      DROP TRIGGER messages_researchable;
      DROP TABLE message_search;
      CREATE VIRTUAL TABLE message_search USING fts5 (
        text, content = 'messages', content_rowid = 'number', tokenize = 'unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER messages_searchable AFTER INSERT ON messages BEGIN
        INSERT INTO message_search (rowid, text) VALUES (new.number, new.text);
      END;
      CREATE TRIGGER messages_unsearchable AFTER DELETE ON messages BEGIN
        INSERT INTO message_search (message_search, rowid, text) VALUES ('delete', old.number, old.text);
      END;
      CREATE TRIGGER messages_researchable AFTER UPDATE OF text ON messages BEGIN
        INSERT INTO message_search (message_search, rowid, text) VALUES ('delete', old.number, old.text);
        INSERT INTO message_search (rowid, text) VALUES (new.number, new.text);
      END;
      INSERT INTO message_search (message_search) VALUES ('rebuild');
      PRAGMA user_version = 3;
    `)
    db.close()

    const store = await SqliteStore.open(path)
    try {
      const version = store.database.prepare('PRAGMA user_version').get() as { user_version: number }
      assert.equal(version.user_version, 7, 'the store was upgraded')
      const reopened = await GroupLog.open({ groupId: log.id, secret: log.secret, key, store, signatures })
      const index = new MessageIndex(store)
      const indexer = new MessageIndexer(index)
      assert.equal(await indexer.catchUp(reopened), false, 'the rows themselves were kept')
      reopened.addEventListener('entries', (evt) => void indexer.apply(reopened, evt.detail.entries))
      await reopened.append({ type: 'message', text: 'Refuge plein, on bivouaque' })
      await indexer.flush()
      const found = (words: string) => index.search(searchQuery(words), { groupId: log.id, limit: 10 }).map((hit) => hit.message.text)
      assert.deepEqual(await found('gouter'), ['Le Refuge du Goûter est complet'])
      assert.deepEqual(await found('refuge'), ['Refuge plein, on bivouaque', 'Le Refuge du Goûter est complet'])
      assert.deepEqual(await found('BIVOU refuge'), ['Refuge plein, on bivouaque'])
    } finally {
      await store.close()
      await dir.remove()
    }
  })

  it('indexes words in bulk yet always finds the current text: edits and deletes before or after indexing, a forgotten group, a restart', async () => {
    const dir = await tempDir()
    const path = join(dir.path, 'causette.db')
    const { store, log, key, read, found } = await indexedGroup(dir.path)
    try {
      const early = await log.append({ type: 'message', text: 'Col du Géant at dawn' })
      assert.deepEqual(await found('geant'), ['Col du Géant at dawn'], 'a search indexes what is pending first')
      assert.equal((await read()).wordsPending, 0)
      // edited once its words were indexed, and edited while still pending
      await log.append({ type: 'edit', target: early.id, text: 'Col du Midi at dawn' })
      const late = await log.append({ type: 'message', text: 'Bivouac near the hut' })
      await log.append({ type: 'edit', target: late.id, text: 'Bivouac below the serac' })
      assert.ok((await read()).wordsPending > 0)
      assert.deepEqual(await found('geant'), [])
      assert.deepEqual(await found('midi'), ['Col du Midi at dawn'])
      assert.deepEqual(await found('hut'), [])
      assert.deepEqual(await found('serac'), ['Bivouac below the serac'])
      await log.append({ type: 'delete', target: late.id })
      assert.deepEqual(await found('bivouac'), [])

      // words still pending when the daemon stopped are found after the restart
      await log.append({ type: 'message', text: 'Crampons left at the refuge' })
      await read()
      assert.ok((await read()).wordsPending > 0)
      await store.close()
      const reopened = await SqliteStore.open(path)
      try {
        const index = new MessageIndex(reopened)
        assert.ok(index.wordsPending > 0, 'what was pending is still noted')
        assert.deepEqual(
          index.search(searchQuery('crampons'), { limit: 10 }).map((hit) => hit.message.text),
          ['Crampons left at the refuge']
        )
        // forgetting the group takes its messages out of search, indexed or pending
        const again = await GroupLog.open({ groupId: log.id, secret: log.secret, key, store: reopened, signatures })
        const indexer = new MessageIndexer(index)
        again.addEventListener('entries', (evt) => void indexer.apply(again, evt.detail.entries))
        await again.append({ type: 'message', text: 'Crampons found again' })
        await indexer.flush()
        indexer.stop()
        await reopened.deleteGroup(log.id)
        assert.deepEqual(index.search(searchQuery('crampons'), { limit: 10 }), [])
      } finally {
        await reopened.close()
      }
    } finally {
      await store.close()
      await dir.remove()
    }
  })

  it('indexes pending words by itself once many are pending, and when idle', async () => {
    const dir = await tempDir()
    const { store, log, read } = await indexedGroup(dir.path)
    try {
      const index = await read()
      await log.append({ type: 'message', text: 'one message' })
      await read()
      assert.ok(index.wordsPending > 0)
      await eventually(() => index.wordsPending === 0, 'the words to be indexed once idle', 5_000)
      const messages = Array.from({ length: WORDS_AT_ONCE + 10 }, (_, i) => ({ type: 'message' as const, text: `pitch ${i}` }))
      for (const op of messages) await log.append(op)
      await read()
      assert.ok(index.wordsPending < WORDS_AT_ONCE, `indexed at once past ${WORDS_AT_ONCE}, not left for idle time`)
    } finally {
      await store.close()
      await dir.remove()
    }
  })

  it('is rebuilt when a daemon died after storing entries but before indexing them', async () => {
    const dir = await tempDir()
    const { store, key, log, read } = await indexedGroup(dir.path)
    try {
      await log.append({ type: 'message', text: 'indexed before the crash' })
      await read()
      // entries stored with no indexer listening: what a kill between the two commits leaves
      const unindexed = await GroupLog.open({ groupId: log.id, secret: log.secret, key, store, signatures })
      await unindexed.append({ type: 'message', text: 'stored, never indexed' })
      const index = new MessageIndex(store)
      assert.equal(index.count(log.id), 1)

      const reopened = await GroupLog.open({ groupId: log.id, secret: log.secret, key, store, signatures })
      assert.equal(await new MessageIndexer(index).catchUp(reopened), true, 'the lag is noticed')
      assert.deepEqual(
        index.page(log.id, { limit: 10 }).messages.map((m) => m.text),
        ['indexed before the crash', 'stored, never indexed']
      )
      assert.equal(await new MessageIndexer(index).catchUp(reopened), false, 'and an index that is current is left alone')
    } finally {
      await store.close()
      await dir.remove()
    }
  })
})
