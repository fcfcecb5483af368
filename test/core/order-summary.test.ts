/**
 * Sync's summary of a log's order (order-buckets.ts) is ready before a
 * catch-up needs it: a log taking in a peer's entries builds it then, once,
 * and keeps it up to date, so the next sync session reads no key from the
 * store. A build the store could not serve is tried again, not kept failed.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type KeyRange, MemoryStore, OrderBuckets } from '@causette/core'
import { entryBytes } from '../fixtures/entry-bytes.ts'
import { replicas } from '../fixtures/replicas.ts'

/** A memory store that counts the key reads sync's summary makes. */
class CountingStore extends MemoryStore {
  keyReads = 0

  override listKeys(group: Uint8Array, range?: KeyRange): Promise<Uint8Array[]> {
    this.keyReads++
    return super.listKeys(group, range)
  }
}

describe("sync's summary of the order", () => {
  it('is built when a log takes in gossip, and a later sync reads no key from the store', async () => {
    const store = new CountingStore()
    const [receiver, writer] = await replicas(2, { creatorStore: store })
    assert.ok(receiver !== undefined && writer !== undefined)
    const known = new Set((await entryBytes(receiver.log)).map((b) => b.toString()))
    for (let i = 0; i < 120; i++) await writer.log.append({ type: 'message', text: `message ${i}` })
    const fresh = (await entryBytes(writer.log)).filter((b) => !known.has(b.toString()))
    assert.ok(fresh.length >= 120, 'the messages, and the rekey their first may need')
    await receiver.log.add(fresh.slice(0, 10), { source: 'gossip' })
    // the summary is built behind the batch, in the log's queue: the next add runs after it
    await receiver.log.add(fresh.slice(10, 20), { source: 'gossip' })
    const readsOnceLive = store.keyReads
    assert.ok(readsOnceLive > 0, 'the summary was built once entries came by gossip')
    for (let at = 20; at < fresh.length; at += 10) await receiver.log.add(fresh.slice(at, at + 10), { source: 'gossip' })
    const buckets = await receiver.log.orderBuckets()
    assert.equal(store.keyReads, readsOnceLive, 'asking for it reads no key again')
    assert.equal(
      buckets.reduce((n, b) => n + b.sum.count, 0),
      await store.countEntries(receiver.log.id),
      'it counts every stored entry'
    )
  })

  it('is not built for entries loaded from the store or written here', async () => {
    const store = new CountingStore()
    const [writer] = await replicas(1, { creatorStore: store })
    assert.ok(writer !== undefined)
    for (let i = 0; i < 20; i++) await writer.log.append({ type: 'message', text: `note ${i}` })
    assert.equal(store.keyReads, 0)
  })

  it('is built again at the next question when the store could not serve the first', async () => {
    const keys = [Uint8Array.of(1, 1), Uint8Array.of(2, 2)]
    let failures = 1
    const buckets = new OrderBuckets(async () => {
      if (failures-- > 0) throw new Error('database is locked')
      return keys
    })
    await assert.rejects(buckets.current(), /database is locked/)
    const built = await buckets.current()
    assert.equal(built[0]?.sum.count, 2)
  })
})
