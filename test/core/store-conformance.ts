/**
 * The Store conformance suite: what every storage engine must do for the
 * log. Each engine's test file calls `runStoreConformance` with a way to make
 * a fresh store and, for durable engines, to reopen the same one.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  decodeEntry,
  type Entry,
  type EntryFacts,
  fromOrderKey,
  type GroupLog,
  orderKey,
  type Store,
  type StoredEntry,
  type StoredFacts,
  storedEntryOf,
  toHex
} from '@causette/core'
import { compare } from 'uint8arrays/compare'
import { entryBytes, logEntries } from '../fixtures/entry-bytes.ts'
import { merge, type Replica, replicas } from '../fixtures/replicas.ts'
import { runErasureConformance } from './store-erasure-conformance.ts'
import { runOpeningConformance } from './store-opening-conformance.ts'
import { runSearchConformance } from './store-search-conformance.ts'
import { runViewConformance } from './store-view-conformance.ts'

export interface StoreHarness {
  store: Store
  /** Closes the store and opens the same data again; absent for memory-only engines. */
  reopen?: () => Promise<Store>
  cleanup?: () => Promise<void>
}

async function storedOf(log: GroupLog) {
  return (await entryBytes(log)).map((bytes) => storedEntryOf(decodeEntry(bytes)))
}

/** A group with two concurrent writers, so it has several heads and authors. */
async function sampleLog(): Promise<GroupLog> {
  const [a, b] = (await replicas(2)) as [Replica, Replica]
  await merge(a, b)
  for (let i = 0; i < 12; i++) {
    await a.log.append({ type: 'message', text: `a${i}` })
    await b.log.append({ type: 'message', text: `b${i}` })
  }
  await merge(b, a)
  return a.log
}

/** The sample log, then an entry on both of its heads: entries with no parent, one and two. */
async function mergedLog(): Promise<GroupLog> {
  const log = await sampleLog()
  await log.append({ type: 'message', text: 'after both' })
  return log
}

/**
 * Facts for each of the log's entries, in order: the log's own time, epoch
 * and role (none for a join), a person for every third (a linked device's), a shown time apart from the time, so that the
 * two cannot be swapped unseen, and a frontier key of each entry's own.
 */
async function factsOf(log: GroupLog): Promise<EntryFacts[]> {
  return (await logEntries(log)).map((e, i) => {
    const facts: EntryFacts = { time: e.time, shownTime: e.time - 1 - i, epoch: e.epochHex, frontier: `f${i}` }
    if (e.role !== undefined) facts.role = e.role
    // every third as if written by a linked device of another person's key
    if (i % 3 === 2) facts.person = 'ab'.repeat(32)
    return facts
  })
}

/** The log's entries decoded, and stored with the facts of factsOf. */
async function withFacts(log: GroupLog): Promise<{ decoded: Entry[]; facts: EntryFacts[]; stored: StoredEntry[] }> {
  const decoded = (await entryBytes(log)).map((bytes) => decodeEntry(bytes))
  const facts = await factsOf(log)
  return { decoded, facts, stored: decoded.map((e, i) => storedEntryOf(e, facts[i])) }
}

/** What getFacts answers for an entry held with these facts. */
function storedFacts(entry: Entry, facts: EntryFacts): StoredFacts {
  return { ...facts, id: entry.id, author: entry.author, seq: entry.seq, clock: entry.clock, parents: entry.parents }
}

export function runStoreConformance(engine: string, setup: () => Promise<StoreHarness>): void {
  describe(`Store conformance: ${engine}`, () => {
    it('lists stored entries in order, a page at a time', async () => {
      const h = await setup()
      try {
        const log = await sampleLog()
        await h.store.putEntries(log.id, await storedOf(log))
        const seen: string[] = []
        let after: Uint8Array | undefined
        for (;;) {
          const page = await h.store.listEntries(log.id, after === undefined ? { limit: 5 } : { after, limit: 5 })
          if (page.length === 0) break
          assert.ok(page.length <= 5)
          seen.push(...page.map((p) => toHex(p.bytes)))
          after = page.at(-1)?.key
        }
        assert.deepEqual(seen, (await entryBytes(log)).map(toHex))
        assert.equal((await h.store.listEntries(log.id)).length, log.size, 'no limit lists all')
      } finally {
        await h.cleanup?.()
      }
    })

    it('is idempotent: storing an entry twice keeps one copy', async () => {
      const h = await setup()
      try {
        const log = await sampleLog()
        const stored = await storedOf(log)
        await h.store.putEntries(log.id, stored)
        await h.store.putEntries(log.id, stored.slice(0, 5))
        assert.equal(await h.store.countEntries(log.id), log.size)
      } finally {
        await h.cleanup?.()
      }
    })

    it('gets entries by id, undefined for unknown ids', async () => {
      const h = await setup()
      try {
        const log = await sampleLog()
        await h.store.putEntries(log.id, await storedOf(log))
        const [first, missing] = await h.store.getEntries(log.id, [(await logEntries(log))[3]?.id as Uint8Array, new Uint8Array(32)])
        assert.deepEqual(first, (await entryBytes(log))[3])
        assert.equal(missing, undefined)
      } finally {
        await h.cleanup?.()
      }
    })

    it('tracks heads and the highest seq of each author', async () => {
      const h = await setup()
      try {
        const log = await sampleLog()
        await h.store.putEntries(log.id, await storedOf(log))
        assert.deepEqual(await h.store.heads(log.id), log.heads())
        assert.equal(log.heads().length, 2)
        assert.deepEqual(await h.store.authorSeqs(log.id), log.authorSeqs())
      } finally {
        await h.cleanup?.()
      }
    })

    it('tracks the same heads and seqs whatever the order and batching of the entries', async () => {
      const log = await sampleLog()
      const stored = await storedOf(log)
      const ways: Array<[string, Array<typeof stored>]> = [
        ['children before their parents, in one batch', [[...stored].reverse()]],
        ['in three batches', [stored.slice(0, 9), stored.slice(9, 20), stored.slice(20)]],
        ['one at a time, with repeats', [...stored.map((e) => [e]), stored.slice(0, 4)]]
      ]
      for (const [how, batches] of ways) {
        const h = await setup()
        try {
          for (const batch of batches) await h.store.putEntries(log.id, batch)
          assert.deepEqual(await h.store.heads(log.id), log.heads(), how)
          assert.deepEqual(await h.store.authorSeqs(log.id), log.authorSeqs(), how)
        } finally {
          await h.cleanup?.()
        }
      }
    })

    it('keeps groups apart', async () => {
      const h = await setup()
      try {
        const one = await sampleLog()
        const two = await sampleLog()
        await h.store.putEntries(one.id, await storedOf(one))
        await h.store.putEntries(two.id, (await storedOf(two)).slice(0, 3))
        assert.equal(await h.store.countEntries(one.id), one.size)
        assert.equal(await h.store.countEntries(two.id), 3)
        assert.deepEqual(await h.store.getEntries(two.id, [(await logEntries(one))[1]?.id as Uint8Array]), [undefined])
        assert.deepEqual(await h.store.heads(new Uint8Array(32)), [])
        assert.equal((await h.store.authorSeqs(new Uint8Array(32))).size, 0)
      } finally {
        await h.cleanup?.()
      }
    })

    it('keeps group records in the order they were added, updates them, and deletes a group with its entries', async () => {
      const h = await setup()
      try {
        const log = await sampleLog()
        const a = { id: log.id, secret: log.secret, name: 'First', addedAt: 1000 }
        const b = { id: new Uint8Array(32).fill(2), secret: new Uint8Array(32).fill(3), name: 'Second', addedAt: 2000 }
        await h.store.putGroup(a)
        await h.store.putGroup(b)
        await h.store.putGroup({ ...a, name: 'First, renamed', addedAt: 3000 })
        assert.deepEqual(
          (await h.store.listGroups()).map((g) => g.name),
          ['First, renamed', 'Second']
        )
        assert.deepEqual((await h.store.getGroup(b.id))?.secret, b.secret)
        await h.store.putEntries(log.id, await storedOf(log))
        await h.store.deleteGroup(log.id)
        assert.equal(await h.store.getGroup(log.id), undefined)
        assert.equal(await h.store.countEntries(log.id), 0)
        assert.equal((await h.store.listGroups()).length, 1)
      } finally {
        await h.cleanup?.()
      }
    })

    it('keeps what it acknowledged across a reopen', async (t) => {
      const h = await setup()
      try {
        if (h.reopen === undefined) {
          t.diagnostic(`${engine} keeps nothing across a reopen by design`)
          return
        }
        const log = await sampleLog()
        await h.store.putGroup({ id: log.id, secret: log.secret, name: 'Durable', addedAt: 1 })
        await h.store.putEntries(log.id, await storedOf(log))
        const reopened = await h.reopen()
        assert.equal(await reopened.countEntries(log.id), log.size)
        assert.deepEqual(await reopened.heads(log.id), log.heads())
        assert.equal((await reopened.getGroup(log.id))?.name, 'Durable')
      } finally {
        await h.cleanup?.()
      }
    })

    it('reads back the facts stored with each entry, with its clock and parents', async () => {
      const h = await setup()
      try {
        const log = await mergedLog()
        const { decoded, facts, stored } = await withFacts(log)
        assert.deepEqual(new Set(decoded.map((e) => Math.min(e.parents.length, 2))), new Set([0, 1, 2]), 'entries with no parent, one and two')
        assert.ok(facts.some((f) => f.role === undefined) && facts.some((f) => f.role !== undefined), 'entries with a role and without')
        assert.ok(facts.some((f) => f.person === undefined) && facts.some((f) => f.person !== undefined), 'entries of linked devices and not')
        assert.ok(facts.some((f) => f.epoch === '') && facts.some((f) => f.epoch !== ''), 'entries of the first epoch and of a later one')
        await h.store.putEntries(log.id, stored)
        const read = await h.store.getFacts(
          log.id,
          decoded.map((e) => e.id)
        )
        assert.deepEqual(
          read,
          decoded.map((e, i) => storedFacts(e, facts[i] as EntryFacts))
        )
      } finally {
        await h.cleanup?.()
      }
    })

    it('gives no facts for an unknown id, nor for an entry stored without them', async () => {
      const h = await setup()
      try {
        const log = await sampleLog()
        const { decoded, stored } = await withFacts(log)
        const bare = await storedOf(log)
        await h.store.putEntries(log.id, [...stored.slice(0, 10), ...bare.slice(10)])
        const read = await h.store.getFacts(log.id, [...decoded.map((e) => e.id), new Uint8Array(32)])
        assert.deepEqual(
          read.map((f) => f !== undefined),
          [...decoded.map((_, i) => i < 10), false]
        )
        assert.deepEqual(await h.store.getFacts(new Uint8Array(32), [decoded[0]?.id as Uint8Array]), [undefined], 'another group')
      } finally {
        await h.cleanup?.()
      }
    })

    it('replaces the facts of held entries, whole, and ignores ids it does not hold', async () => {
      const h = await setup()
      try {
        const log = await sampleLog()
        const { decoded, facts, stored } = await withFacts(log)
        await h.store.putEntries(log.id, stored)
        const i = facts.findIndex((f) => f.role !== undefined)
        const e = decoded[i] as Entry
        const { role: _, ...withoutRole } = facts[i] as EntryFacts
        const lowered = { ...withoutRole, shownTime: e.time - 60_000, frontier: 'f-new' }
        const unknown = new Uint8Array(32).fill(9)
        await h.store.putFacts(log.id, [
          { ...lowered, id: e.id },
          { ...lowered, id: unknown }
        ])
        assert.deepEqual(await h.store.getFacts(log.id, [e.id, unknown]), [storedFacts(e, lowered), undefined])
        assert.deepEqual(await h.store.hasEntries(log.id, [unknown]), [false], 'facts alone store no entry')
        assert.equal(await h.store.countEntries(log.id), log.size)
        const others = decoded.filter((_, j) => j !== i)
        assert.deepEqual(
          await h.store.getFacts(
            log.id,
            others.map((o) => o.id)
          ),
          decoded.flatMap((o, j) => (j === i ? [] : [storedFacts(o, facts[j] as EntryFacts)])),
          'the other entries keep theirs'
        )
      } finally {
        await h.cleanup?.()
      }
    })

    it('says whether a held entry of the group lacks facts, until putFacts sets them', async () => {
      const h = await setup()
      try {
        const log = await sampleLog()
        const { decoded, facts, stored } = await withFacts(log)
        assert.equal(await h.store.lacksFacts(log.id), false, 'an empty group')
        await h.store.putEntries(log.id, stored.slice(0, -2))
        assert.equal(await h.store.lacksFacts(log.id), false)
        await h.store.putEntries(log.id, (await storedOf(log)).slice(-2))
        assert.equal(await h.store.lacksFacts(log.id), true)
        assert.equal(await h.store.lacksFacts(new Uint8Array(32)), false, 'another group')
        const last = decoded.length - 1
        await h.store.putFacts(log.id, [{ ...(facts[last] as EntryFacts), id: decoded[last]?.id as Uint8Array }])
        assert.equal(await h.store.lacksFacts(log.id), true, 'one still lacks them')
        await h.store.putFacts(log.id, [{ ...(facts[last - 1] as EntryFacts), id: decoded[last - 1]?.id as Uint8Array }])
        assert.equal(await h.store.lacksFacts(log.id), false)
        assert.deepEqual(
          (await h.store.getFacts(log.id, [decoded[last - 1]?.id as Uint8Array]))[0],
          storedFacts(decoded[last - 1] as Entry, facts[last - 1] as EntryFacts),
          'facts set later read back with the parents the entry was stored with'
        )
      } finally {
        await h.cleanup?.()
      }
    })

    it('tells which ids it holds', async () => {
      const h = await setup()
      try {
        const log = await sampleLog()
        const stored = await storedOf(log)
        await h.store.putEntries(log.id, stored.slice(0, -1))
        const ids = stored.map((e) => e.id)
        assert.deepEqual(
          await h.store.hasEntries(log.id, [ids[0] as Uint8Array, ids.at(-1) as Uint8Array, new Uint8Array(32), ids[3] as Uint8Array]),
          [true, false, false, true]
        )
        assert.deepEqual(await h.store.hasEntries(new Uint8Array(32), [ids[0] as Uint8Array]), [false], 'not in another group')
      } finally {
        await h.cleanup?.()
      }
    })

    it("finds an author's entries by seq: both of an equivocation, none past the last", async () => {
      const h = await setup()
      try {
        const log = await sampleLog()
        const stored = await storedOf(log)
        const e = stored.at(-1) as StoredEntry
        // the same author and seq, other content: the store keeps both, as the log hands them over
        const id = e.id.map((byte) => byte ^ 0xff)
        const clock = fromOrderKey(e.key).clock
        const twin: StoredEntry = { ...e, id, key: orderKey({ clock, author: e.author, id }) }
        await h.store.putEntries(log.id, [...stored, twin])
        const ids = await h.store.idsAt(log.id, e.author, e.seq)
        assert.deepEqual(ids.map(toHex).sort(), [toHex(e.id), toHex(id)].sort())
        const first = stored.find((s) => s.seq === 1 && compare(s.author, e.author) === 0) as StoredEntry
        assert.deepEqual(await h.store.idsAt(log.id, e.author, 1), [first.id])
        assert.deepEqual(await h.store.idsAt(log.id, e.author, e.seq + 1), [])
        assert.deepEqual(await h.store.idsAt(log.id, new Uint8Array(32), 1), [], 'an author with no entry')
        assert.deepEqual(await h.store.idsAt(new Uint8Array(32), e.author, 1), [], 'another group')
      } finally {
        await h.cleanup?.()
      }
    })

    it('lists order keys in a range, a bound that is a prefix sorting before every key it starts', async () => {
      const h = await setup()
      try {
        const log = await sampleLog()
        const stored = await storedOf(log)
        await h.store.putEntries(log.id, [...stored].reverse())
        const keys = stored.map((e) => e.key)
        const hexes = (list: Uint8Array[]) => list.map(toHex)
        assert.deepEqual(hexes(await h.store.listKeys(log.id)), hexes(keys), 'all, in order')
        assert.deepEqual(hexes(await h.store.listKeys(log.id, { limit: 4 })), hexes(keys.slice(0, 4)))
        const from = keys[5] as Uint8Array
        const to = keys[14] as Uint8Array
        assert.deepEqual(hexes(await h.store.listKeys(log.id, { from, to })), hexes(keys.slice(5, 14)), 'from included, to left out')
        assert.deepEqual(hexes(await h.store.listKeys(log.id, { from, to, limit: 3 })), hexes(keys.slice(5, 8)))
        assert.deepEqual(hexes(await h.store.listKeys(log.id, { from })), hexes(keys.slice(5)))
        assert.deepEqual(hexes(await h.store.listKeys(log.id, { to })), hexes(keys.slice(0, 14)))
        // bounds of just a clock: every key with that clock sorts after it
        const clockOf = (key: Uint8Array) => fromOrderKey(key).clock
        const low = clockOf(from)
        const high = clockOf(to)
        assert.deepEqual(
          hexes(await h.store.listKeys(log.id, { from: from.subarray(0, 8), to: to.subarray(0, 8) })),
          hexes(keys.filter((k) => clockOf(k) >= low && clockOf(k) < high))
        )
        assert.deepEqual(await h.store.listKeys(new Uint8Array(32)), [], 'another group')
      } finally {
        await h.cleanup?.()
      }
    })

    it('keeps facts across a reopen, those stored with entries and those set later', async (t) => {
      const h = await setup()
      try {
        if (h.reopen === undefined) {
          t.diagnostic(`${engine} keeps nothing across a reopen by design`)
          return
        }
        const log = await mergedLog()
        const { decoded, facts, stored } = await withFacts(log)
        const bare = await storedOf(log)
        await h.store.putEntries(log.id, [...stored.slice(0, 10), ...bare.slice(10)])
        await h.store.putFacts(
          log.id,
          decoded.slice(10).map((e, i) => ({ ...(facts[10 + i] as EntryFacts), id: e.id }))
        )
        const reopened = await h.reopen()
        assert.equal(await reopened.lacksFacts(log.id), false)
        assert.deepEqual(
          await reopened.getFacts(
            log.id,
            decoded.map((e) => e.id)
          ),
          decoded.map((e, i) => storedFacts(e, facts[i] as EntryFacts))
        )
      } finally {
        await h.cleanup?.()
      }
    })

    it('refuses work once closed, with a named error', async () => {
      const h = await setup()
      await h.store.close()
      await assert.rejects(h.store.countEntries(new Uint8Array(32)), { name: 'StoreClosedError' })
      await h.cleanup?.()
    })
  })
  runViewConformance(engine, setup)
  runOpeningConformance(engine, setup)
  runSearchConformance(engine, setup)
  runErasureConformance(engine, setup)
}
