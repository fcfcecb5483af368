/**
 * Sync's ranges read from a store (StoreRanges over Store.listKeys) answer
 * every question exactly as the in-memory order does (OrderedRanges, the
 * reference the reconciler's own tests use): same counts, fingerprints,
 * split bounds and ids, for any bounds.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  type Bound,
  compareOrder,
  fromHex,
  type KeyRange,
  MemoryStore,
  minimalBound,
  OrderBuckets,
  OrderedRanges,
  orderKey,
  type StoredEntry,
  StoreRanges,
  type SyncItem,
  toHex
} from '@causette/core'
import fc from 'fast-check'
import { SeededRandom } from '../fixtures/random.ts'

function universe(size: number, random: SeededRandom): SyncItem[] {
  const authors = Array.from({ length: 3 }, () => toHex(Uint8Array.from({ length: 32 }, () => random.int(256))))
  const items: SyncItem[] = []
  for (let i = 0; i < size; i++) {
    const id = Uint8Array.from({ length: 32 }, () => random.int(256))
    items.push({ id, idHex: toHex(id), authorHex: random.pick(authors), clock: 1 + Math.floor(i / 4) })
  }
  return items.sort(compareOrder)
}

/** The items as a store keeps entries: only their ids and order keys matter to ranges. */
function storedOf(items: SyncItem[]): StoredEntry[] {
  return items.map((item, i) => ({
    id: item.id,
    key: orderKey({ clock: item.clock, author: fromHex(item.authorHex), id: item.id }),
    author: fromHex(item.authorHex),
    seq: i + 1,
    parents: [],
    bytes: new Uint8Array(1)
  }))
}

/** Bounds of every kind: clock only, clock and a prefix, the minimal bound between two neighbours, zero and infinity. */
function boundsOf(items: SyncItem[], random: SeededRandom): Bound[] {
  const bounds: Bound[] = [
    { clock: 0, prefix: '' },
    { clock: Number.MAX_SAFE_INTEGER, prefix: '' }
  ]
  for (let i = 0; i < 12 && items.length > 1; i++) {
    const at = 1 + random.int(items.length - 1)
    const next = items[at] as SyncItem
    bounds.push(minimalBound(items[at - 1] as SyncItem, next))
    bounds.push({ clock: next.clock, prefix: '' })
    bounds.push({ clock: next.clock, prefix: (next.authorHex + next.idHex).slice(0, 2 * (1 + random.int(40))) })
    bounds.push({ clock: next.clock + 1, prefix: '' })
  }
  return bounds
}

describe('StoreRanges', () => {
  it('answers fingerprint, split and ids as the in-memory order does, reading every key or buckets of the order kept up to date (200 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer(), fc.integer({ min: 0, max: 9000 }), async (seed, size) => {
        const random = new SeededRandom(seed)
        const items = universe(size, random)
        const store = new MemoryStore()
        const group = new Uint8Array(32).fill(7)
        const reference = new OrderedRanges(items)
        const listKeys = (range: KeyRange) => store.listKeys(group, range)
        // buckets built from part of the store, then told of the rest as a log tells them of entries it stores
        const buckets = new OrderBuckets(listKeys, 1 + random.int(64))
        const all = storedOf(items)
        const early = all.filter(() => random.chance(0.7))
        const late = all.filter((e) => !early.includes(e))
        await store.putEntries(group, early)
        await buckets.current()
        await store.putEntries(group, late)
        buckets.add(late.map((e) => e.key))
        const plain = new StoreRanges(listKeys)
        const bucketed = new StoreRanges(listKeys, () => buckets.current())
        const bounds = boundsOf(items, random)
        for (const fromStore of [plain, bucketed]) {
          for (let i = 0; i < 6; i++) {
            const lower = random.pick(bounds)
            const upper = random.pick(bounds)
            assert.deepEqual(await fromStore.fingerprint(lower, upper), await reference.fingerprint(lower, upper))
            const parts = 1 + random.int(20)
            assert.deepEqual(await fromStore.split(lower, upper, parts), await reference.split(lower, upper, parts))
            const limit = 1 + random.int(5000)
            assert.deepEqual((await fromStore.ids(lower, upper, limit)).map(toHex), (await reference.ids(lower, upper, limit)).map(toHex))
          }
        }
      }),
      { numRuns: 200 }
    )
  })

  it('keeps buckets of new entries, stored after all others, at their size without reading the store again', async () => {
    const random = new SeededRandom(13)
    const items = universe(24 * 64, random)
    const store = new MemoryStore()
    const group = new Uint8Array(32).fill(9)
    const stored = storedOf(items)
    let reads = 0
    const listKeys = (range: KeyRange) => {
      reads++
      return store.listKeys(group, range)
    }
    const buckets = new OrderBuckets(listKeys, 64)
    // a log of 3 buckets is asked first, then takes in 21 buckets' worth of new messages, a few at a time
    await store.putEntries(group, stored.slice(0, 3 * 64))
    await buckets.current()
    const readsWhenBuilt = reads
    for (let at = 3 * 64; at < stored.length; at += 7) {
      const batch = stored.slice(at, at + 7)
      await store.putEntries(group, batch)
      buckets.add(batch.map((e) => e.key))
    }
    const current = await buckets.current()
    assert.equal(reads, readsWhenBuilt, 'no bucket had to be cut from the store')
    assert.equal(current.length, 24)
    assert.ok(
      current.every((b) => b.sum.count === 64),
      'every bucket holds 64 entries'
    )
    const reference = new OrderedRanges(items)
    const bucketed = new StoreRanges(listKeys, () => buckets.current())
    const bounds = boundsOf(items, random)
    for (let i = 0; i < 40; i++) {
      const lower = random.pick(bounds)
      const upper = random.pick(bounds)
      assert.deepEqual(await bucketed.fingerprint(lower, upper), await reference.fingerprint(lower, upper))
    }
  })
})
