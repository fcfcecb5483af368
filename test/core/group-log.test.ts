import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeEntry, GroupLog, MemoryStore, toHex } from '@causette/core'
import { craftEntry } from '../fixtures/crafted-entry.ts'
import { entryBytes, entryBytesOf, logEntries } from '../fixtures/entry-bytes.ts'
import { merge, openReplica, type Replica, replicas, signatures } from '../fixtures/replicas.ts'

describe('group log', () => {
  it('holds an entry whose parents are missing until they arrive, then accepts both', async () => {
    const [a, b] = (await replicas(2)) as [Replica, Replica]
    // the group's first message key, granted to both before the two messages under test
    await a.log.rekey()
    await merge(a, b)
    const first = await a.log.append({ type: 'message', text: 'one' })
    const second = await a.log.append({ type: 'message', text: 'two' })
    const early = await b.log.add([await entryBytesOf(a.log, second)])
    assert.deepEqual({ added: early.added.length, pending: early.pending }, { added: 0, pending: 1 })
    assert.deepEqual(b.log.missing().map(toHex), [first.idHex], 'it asks for the parent it lacks')
    const late = await b.log.add([await entryBytesOf(a.log, first)])
    assert.equal(late.added.length, 2)
    assert.equal(b.log.pendingCount, 0)
    assert.deepEqual(
      (await b.log.view.messages()).messages.map((m) => m.text),
      ['one', 'two']
    )
  })

  it('counts duplicates without applying them twice', async () => {
    const [a, b] = (await replicas(2)) as [Replica, Replica]
    await a.log.append({ type: 'message', text: 'once' })
    const bytes = await entryBytes(a.log)
    await b.log.add(bytes)
    const again = await b.log.add([...bytes, ...bytes])
    assert.deepEqual({ added: again.added.length, duplicates: again.duplicates }, { added: 0, duplicates: bytes.length * 2 })
    assert.equal(await b.log.view.countMessages(), 1)
  })

  it('merges concurrent branches into one order and one set of heads', async () => {
    const [a, b] = (await replicas(2)) as [Replica, Replica]
    await merge(a, b)
    await a.log.append({ type: 'message', text: 'from a' })
    await b.log.append({ type: 'message', text: 'from b' })
    assert.equal(a.log.heads().length, 1)
    await merge(a, b)
    await merge(b, a)
    assert.equal(a.log.heads().length, 2, 'two concurrent heads')
    assert.deepEqual(a.log.heads(), b.log.heads())
    const joined = await a.log.append({ type: 'message', text: 'after both' })
    const parents = decodeEntry(await entryBytesOf(a.log, joined)).parents.map((p) => a.log.get(toHex(p))?.clock as number)
    assert.equal(parents.length, 2, 'the next entry names both heads')
    assert.equal(joined.clock, 1 + Math.max(...parents))
    await merge(a, b)
    assert.deepEqual(
      (await logEntries(b.log)).map((e) => e.idHex),
      (await logEntries(a.log)).map((e) => e.idHex)
    )
  })

  it('detects an equivocation, keeps both entries and reports the author', async () => {
    const [a, b] = (await replicas(2)) as [Replica, Replica]
    await merge(a, b)
    // A writes two different entries with the same next seq: a fork of its own chain
    const left = await craftEntry(a, { type: 'message', text: 'I will come' })
    const right = await craftEntry(a, { type: 'message', text: 'I will not come' })
    const forkedSeq = left.seq
    const first = await b.log.add([left.bytes])
    assert.deepEqual(first.equivocations, [])
    const second = await b.log.add([right.bytes])
    assert.equal(second.added.length, 1, 'the second version is kept too')
    assert.deepEqual(
      second.equivocations,
      [{ author: toHex(a.key.publicKey), seq: forkedSeq, ids: [toHex(left.id), toHex(right.id)].sort() }],
      'both ids, sorted: every replica reports the same, whatever the order they arrived in'
    )
    assert.deepEqual(b.log.equivocations(), second.equivocations)
    assert.deepEqual((await b.log.view.messages()).messages.map((m) => m.text).sort(), ['I will come', 'I will not come'])
  })

  it('resolves append only once the entry is in the store, and reopens from the store to the same state', async () => {
    const [a] = (await replicas(1)) as [Replica]
    const sent = await a.log.append({ type: 'message', text: 'durable' })
    assert.ok((await a.store.getEntries(a.log.id, [sent.id]))[0] !== undefined)
    await a.log.append({ type: 'reaction', target: sent.id, emoji: '👍', add: true })
    const reopened = await GroupLog.open({ groupId: a.log.id, secret: a.log.secret, key: a.key, store: a.store, signatures })
    assert.deepEqual(await reopened.view.snapshot(), await a.log.view.snapshot())
    assert.deepEqual(reopened.heads(), a.log.heads())
    const next = await reopened.append({ type: 'message', text: 'after restart' })
    // genesis, the rekey that made the first message key, the message, the reaction
    assert.equal(next.seq, 5, 'the author chain continues where it stopped')
  })

  it('keeps its store in step: heads and per-author seq match the log', async () => {
    const [a, b] = (await replicas(2)) as [Replica, Replica]
    await merge(a, b)
    await a.log.append({ type: 'message', text: 'x' })
    await b.log.append({ type: 'message', text: 'y' })
    await merge(b, a)
    assert.deepEqual(await a.store.heads(a.log.id), a.log.heads())
    assert.deepEqual(await a.store.authorSeqs(a.log.id), a.log.authorSeqs())
    assert.equal(await a.store.countEntries(a.log.id), a.log.size)
  })

  it('creates a group record with the secret and name', async () => {
    const store = new MemoryStore()
    const [a] = (await replicas(1)) as [Replica]
    const log = await GroupLog.create({ name: 'Board games', key: a.key, store, signatures })
    const record = await store.getGroup(log.id)
    assert.equal(record?.name, 'Board games')
    assert.deepEqual(record?.secret, log.secret)
    assert.equal(log.view.metadata().name, 'Board games')
  })

  it('rejects an entry naming an epoch no rekey made, with a clear reason', async () => {
    const [a, b] = (await replicas(2)) as [Replica, Replica]
    await merge(a, b)
    const future = await craftEntry(a, { type: 'message', text: 'new key' }, { epoch: new Uint8Array(16).fill(7), epochKey: new Uint8Array(32) })
    const result = await b.log.add([future.bytes])
    assert.equal(result.rejected[0]?.error.name, 'UnknownEpochError')
    assert.match(result.rejected[0]?.error.message ?? '', /no rekey before it made/)
  })

  it('opens another device on the same group from nothing but id and secret', async () => {
    const [a, b] = (await replicas(2)) as [Replica, Replica]
    const fresh = await openReplica(a.log, b.key)
    assert.equal(fresh.log.size, 0)
    await merge(a, fresh)
    assert.equal(fresh.log.view.metadata().name, 'Test group')
  })
})
