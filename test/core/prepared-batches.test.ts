/**
 * A batch whose first look (decoding, signature checks) began ahead of its
 * add, as a sync session does for the entries frame it reads while it is
 * still taking the one before (GroupLog.prepare, SyncSession.anticipate).
 * It must end exactly as a batch looked at in its turn: checked, ordered
 * after what was added first, and never counted twice.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { entryBytes, logEntries } from '../fixtures/entry-bytes.ts'
import { merge, type Replica, replicas } from '../fixtures/replicas.ts'

/** Alice writes `count` messages Bob has not seen: the encodings of every entry of hers he lacks (a rekey may come first), oldest first. */
async function written(alice: Replica, bob: Replica, count: number): Promise<Uint8Array[]> {
  for (let i = 0; i < count; i++) await alice.log.append({ type: 'message', text: `message ${i}` })
  const held = new Set((await logEntries(bob.log)).map((e) => e.idHex))
  return entryBytes(
    alice.log,
    (await logEntries(alice.log)).filter((e) => !held.has(e.idHex))
  )
}

describe('a batch prepared ahead of its add', () => {
  it('is taken as the same batch added in its turn would be', async () => {
    const [alice, bob] = (await replicas(2)) as [Replica, Replica]
    await merge(alice, bob)
    const bytes = await written(alice, bob, 20)
    const prepared = bob.log.prepare(bytes)
    const result = await bob.log.add(bytes, { source: 'sync', prepared })
    assert.equal(result.added.length, bytes.length)
    assert.equal(result.rejected.length, 0)
    assert.equal(bob.log.size, alice.log.size)
    assert.equal((await bob.log.view.messages({ limit: 1 })).messages[0]?.text, 'message 19')
  })

  it('waits for the batch before it: prepared before their parents came, children are admitted after them', async () => {
    const [alice, bob] = (await replicas(2)) as [Replica, Replica]
    await merge(alice, bob)
    const bytes = await written(alice, bob, 30)
    const [older, newer] = [bytes.slice(0, 10), bytes.slice(10)]
    assert.ok(newer.length >= 20)
    const prepared = bob.log.prepare(newer)
    const first = bob.log.add(older, { source: 'sync' })
    const second = bob.log.add(newer, { source: 'sync', prepared })
    assert.equal((await first).added.length, 10)
    const result = await second
    assert.equal(result.added.length, newer.length)
    assert.equal(result.pending, 0)
    assert.equal(bob.log.size, alice.log.size)
  })

  it('refuses an entry whose signature does not verify, and takes the rest', async () => {
    const [alice, bob] = (await replicas(2)) as [Replica, Replica]
    await merge(alice, bob)
    const bytes = await written(alice, bob, 5)
    // the last byte of an entry is the last of its signature
    const last = bytes.length - 1
    const forged = Uint8Array.from(bytes[last] as Uint8Array)
    forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 1
    const batch = [...bytes.slice(0, last), forged]
    const result = await bob.log.add(batch, { source: 'sync', prepared: bob.log.prepare(batch) })
    assert.equal(result.added.length, last)
    assert.deepEqual(
      result.rejected.map((r) => r.error.name),
      ['InvalidSignatureError']
    )
  })

  it('does not add twice what came another way while it was prepared', async () => {
    const [alice, bob] = (await replicas(2)) as [Replica, Replica]
    await merge(alice, bob)
    const bytes = await written(alice, bob, 8)
    const prepared = bob.log.prepare(bytes)
    // the same entries come by gossip before the prepared batch's turn
    assert.equal((await bob.log.add(bytes, { source: 'gossip' })).added.length, bytes.length)
    const result = await bob.log.add(bytes, { source: 'sync', prepared })
    assert.equal(result.added.length, 0)
    assert.equal(result.duplicates, bytes.length)
    assert.equal(bob.log.size, alice.log.size)
  })

  it('is looked at again when added with other entries than it was prepared for', async () => {
    const [alice, bob] = (await replicas(2)) as [Replica, Replica]
    await merge(alice, bob)
    const bytes = await written(alice, bob, 6)
    const prepared = bob.log.prepare(bytes.slice(0, 3))
    const result = await bob.log.add(bytes, { source: 'sync', prepared })
    assert.equal(result.added.length, bytes.length)
  })
})
