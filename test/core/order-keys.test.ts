/**
 * Order keys are cut from shared blocks (order.ts): many keys, one
 * allocation. Each key still holds its own entry's clock, author and id, and
 * whatever keeps a key for long (sync's order summary) keeps a copy that
 * holds no more memory than the key itself, not the block it came from.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fromOrderKey, MemoryStore, ORDER_KEY_BYTES, OrderBuckets, orderKey } from '@causette/core'
import { entryBytes } from '../fixtures/entry-bytes.ts'
import { SeededRandom } from '../fixtures/random.ts'
import { replicas } from '../fixtures/replicas.ts'

function randomFields(random: SeededRandom, clock: number): { clock: number; author: Uint8Array; id: Uint8Array } {
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => random.int(256))
  return { clock, author: bytes(32), id: bytes(32) }
}

describe('order keys', () => {
  it('made by the hundred, each holds its own clock, author and id, and writing into one changes no other', () => {
    const random = new SeededRandom(7)
    // several blocks' worth, with clocks over 2^32 too
    const fields = Array.from({ length: 300 }, (_, i) => randomFields(random, i % 3 === 0 ? 2 ** 40 + i : i))
    const keys = fields.map(orderKey)
    for (const [i, key] of keys.entries()) {
      assert.equal(key.byteLength, ORDER_KEY_BYTES)
      const back = fromOrderKey(key)
      assert.equal(back.clock, fields[i]?.clock)
      assert.deepEqual([...back.author], [...(fields[i]?.author ?? [])])
      assert.deepEqual([...back.id], [...(fields[i]?.id ?? [])])
    }
    const before = keys.map((k) => Buffer.from(k).toString('hex'))
    keys[10]?.fill(0xff)
    keys.forEach((k, i) => {
      if (i !== 10) assert.equal(Buffer.from(k).toString('hex'), before[i], `key ${i} is unchanged`)
    })
  })

  it("kept by sync's order summary, hold no more memory than themselves", async () => {
    const buckets = new OrderBuckets(async () => [], 4)
    await buckets.current()
    const random = new SeededRandom(11)
    const keys = Array.from({ length: 200 }, (_, i) => orderKey(randomFields(random, i + 1)))
    // in order, then a few before every other
    buckets.add(keys.slice(0, 150))
    buckets.add([orderKey({ ...randomFields(random, 0) })])
    buckets.add(keys.slice(150))
    const current = await buckets.current()
    assert.ok(current.length > 40, `${current.length} buckets`)
    assert.equal(
      current.reduce((n, b) => n + b.sum.count, 0),
      201
    )
    for (const bucket of current) assert.equal(bucket.first.buffer.byteLength, ORDER_KEY_BYTES, 'a bucket keeps its first key alone')
  })

  it("kept by the summary of a log that took in a peer's entries, the same", async () => {
    const [receiver, writer] = await replicas(2, { creatorStore: new MemoryStore() })
    assert.ok(receiver !== undefined && writer !== undefined)
    const known = new Set((await entryBytes(receiver.log)).map((b) => b.toString()))
    for (let i = 0; i < 150; i++) await writer.log.append({ type: 'message', text: `message ${i}` })
    const fresh = (await entryBytes(writer.log)).filter((b) => !known.has(b.toString()))
    for (let at = 0; at < fresh.length; at += 10) await receiver.log.add(fresh.slice(at, at + 10), { source: 'gossip' })
    const summary = await receiver.log.orderBuckets()
    assert.ok(summary.length > 0)
    for (const bucket of summary) assert.equal(bucket.first.buffer.byteLength, ORDER_KEY_BYTES)
  })
})
