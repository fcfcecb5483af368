/**
 * Opening a log from its store: from facts and membership entries only
 * (a restart), and, for entries stored without facts (an older version's
 * store), by reading every entry once, which fills the facts in. Either
 * way the log opened is the log that was: entries, heads, members and
 * roles, keys, what stays sealed, equivocations, authors' places and the
 * view.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeEntry, type GroupLog, GroupLog as Log, MemoryStore, storedEntryOf, toHex } from '@causette/core'
import { craftEntry } from '../fixtures/crafted-entry.ts'
import { entryBytes, logEntries } from '../fixtures/entry-bytes.ts'
import { joinReplica, merge, openReplica, type Replica, replicas, signatures } from '../fixtures/replicas.ts'

const hex = (r: Replica) => toHex(r.key.publicKey)

/** Everything a person or a peer could tell about a log. */
async function described(log: GroupLog) {
  const state = log.membership()
  return {
    size: log.size,
    heads: log.heads().map(toHex),
    order: (await logEntries(log)).map((e) => e.idHex),
    members: log.members(),
    keys: (state?.epochs ?? []).map((e) => [e.id, log.keys.has(e.id)]),
    standing: log.standing(),
    canWrite: log.canWrite(),
    sealed: log.sealedCount,
    equivocations: log.equivocations(),
    seqs: [...log.authorSeqs()].sort(),
    activity: [...(await log.activity())].sort(),
    view: await log.view.snapshot()
  }
}

/** A group with a history worth reopening: joins, roles, a removal and its rekey, messages, edits, reactions, names, a fork. */
async function busyGroup(): Promise<{ reader: Replica; groupId: Uint8Array }> {
  const [a, b, c, d] = (await replicas(4)) as [Replica, Replica, Replica, Replica]
  for (const r of [b, c, d]) await merge(a, r)
  await b.log.append({ type: 'profile', displayName: 'Bea' })
  const hello = await a.log.append({ type: 'message', text: 'hello' })
  await merge(a, b)
  await b.log.append({ type: 'message', text: 'hi', replyTo: hello.id })
  await b.log.append({ type: 'reaction', target: hello.id, emoji: '👍', add: true })
  await a.log.setRole(hex(b), 'moderator')
  await a.log.append({ type: 'metadata', name: 'Crag', topic: 'Sundays' })
  await merge(b, a)
  await a.log.append({ type: 'edit', target: hello.id, text: 'hello all' })
  await merge(c, a)
  await a.log.remove(hex(c))
  await a.log.append({ type: 'message', text: 'after the removal' })
  await a.log.append({ type: 'read', upTo: hello.id })
  // d forks: two entries with one seq, both reach a
  await merge(a, d)
  const one = await craftEntry(d, { type: 'message', text: 'fork one' })
  const two = await craftEntry(d, { type: 'message', text: 'fork two' })
  await a.log.add([one.bytes, two.bytes])
  return { reader: a, groupId: a.log.id }
}

describe('opening a log from its store', () => {
  it('gives back the log that was, from facts and membership entries only', async () => {
    const { reader } = await busyGroup()
    const before = await described(reader.log)
    assert.equal(before.equivocations.length, 1, 'the fork is there to be found again')
    assert.ok(before.view.messages.length >= 5)
    const reopened = await Log.open({ groupId: reader.log.id, secret: reader.log.secret, key: reader.key, store: reader.store, signatures })
    assert.deepEqual(await described(reopened), before)
  })

  it('keeps sealed what the device cannot read yet, and opens it when the key arrives after a restart', async () => {
    const [a, b] = (await replicas(2)) as [Replica, Replica]
    await a.log.append({ type: 'message', text: 'before you came' })
    const [, , c] = (await replicas(3)) as [Replica, Replica, Replica]
    const late = await openReplica(a.log, c.key)
    await joinReplica(a, late)
    assert.ok(late.log.sealedCount > 0, 'the history reached the newcomer sealed: no member has granted it the key yet')
    const before = await described(late.log)
    const reopened = await Log.open({ groupId: a.log.id, secret: a.log.secret, key: late.key, store: late.store, signatures })
    assert.deepEqual(await described(reopened), before, 'still sealed after a restart')
    // a member that has seen the join grants the newcomer the keys of the history
    await a.log.rekey()
    await reopened.add(await entryBytes(a.log))
    assert.equal(reopened.sealedCount, 0)
    assert.deepEqual(
      (await reopened.view.messages()).messages.map((m) => m.text),
      ['before you came']
    )
    void b
  })

  it('reads every entry once when the store holds them without facts, and fills the facts in', async () => {
    const { reader } = await busyGroup()
    const before = await described(reader.log)
    // the store of an older version: the same entries, no facts, no view rows
    const old = new MemoryStore()
    await old.putGroup({ id: reader.log.id, secret: reader.log.secret, name: 'Crag', addedAt: 1 })
    await old.putEntries(
      reader.log.id,
      (await entryBytes(reader.log)).map((bytes) => storedEntryOf(decodeEntry(bytes)))
    )
    assert.equal(await old.lacksFacts(reader.log.id), true)
    const filled = await Log.open({ groupId: reader.log.id, secret: reader.log.secret, key: reader.key, store: old, signatures })
    assert.deepEqual(await described(filled), before)
    assert.equal(await old.lacksFacts(reader.log.id), false, 'the facts were written as the entries were read')
    const fast = await Log.open({ groupId: reader.log.id, secret: reader.log.secret, key: reader.key, store: old, signatures })
    assert.deepEqual(await described(fast), before, 'and the next opening reads them')
  })
})
