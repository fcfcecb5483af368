/**
 * The Store conformance suite, what an opening log reads (log-opening.ts):
 * its membership entries, the entries of one epoch, the equivocations and
 * each author's activity, all from entries stored with their facts by a
 * real log, and entries stored with the view rows they make. Run by
 * runStoreConformance for every engine.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeEntry, type GroupLog, MEMBERSHIP_TYPES, rowsOf, type Store, type StoredEntry, toHex } from '@causette/core'
import { craftEntry } from '../fixtures/crafted-entry.ts'
import { logEntries } from '../fixtures/entry-bytes.ts'
import { merge, type Replica, replicas } from '../fixtures/replicas.ts'
import { putRows } from '../fixtures/rows-with-entries.ts'
import type { StoreHarness } from './store-conformance.ts'

/** A group with joins, a rekey, messages in two epochs and a fork by b; the reference store holds it with facts. */
async function sample(): Promise<{ a: Replica; forked: Uint8Array[] }> {
  const [a, b] = (await replicas(2)) as [Replica, Replica]
  await merge(a, b)
  await a.log.append({ type: 'message', text: 'one' })
  await a.log.rekey()
  await a.log.append({ type: 'message', text: 'two' })
  await merge(a, b)
  await b.log.append({ type: 'message', text: 'three' })
  const one = await craftEntry(b, { type: 'message', text: 'fork one' })
  const two = await craftEntry(b, { type: 'message', text: 'fork two' })
  await merge(b, a)
  await a.log.add([one.bytes, two.bytes])
  return { a, forked: [one.id, two.id] }
}

/** The log's entries as its own (memory) store holds them, with facts, to copy into the store under test. */
async function storedWithFacts(a: Replica): Promise<StoredEntry[]> {
  const rows = await a.store.listEntries(a.log.id)
  const entries = rows.map((r) => decodeEntry(r.bytes))
  const facts = await a.store.getFacts(
    a.log.id,
    entries.map((e) => e.id)
  )
  return entries.map((e, i) => {
    const f = facts[i]
    assert.ok(f !== undefined)
    const { id: _id, author: _author, seq: _seq, clock: _clock, parents: _parents, ...only } = f
    return { id: e.id, key: rows[i]?.key as Uint8Array, author: e.author, seq: e.seq, parents: e.parents, bytes: e.bytes, facts: only }
  })
}

async function withStore(
  setup: () => Promise<StoreHarness>,
  work: (store: Store, log: GroupLog, forked: Uint8Array[]) => Promise<void>
): Promise<void> {
  const h = await setup()
  try {
    const { a, forked } = await sample()
    await h.store.putEntries(a.log.id, await storedWithFacts(a))
    await work(h.store, a.log, forked)
  } finally {
    await h.cleanup?.()
  }
}

export function runOpeningConformance(engine: string, setup: () => Promise<StoreHarness>): void {
  describe(`Store conformance: ${engine}, what an opening log reads`, () => {
    it('lists the membership entries, in order, and nothing else', async () => {
      await withStore(setup, async (store, log) => {
        const expected = (await logEntries(log)).filter((e) => e.op !== undefined && (e.op.type === 'create' || MEMBERSHIP_TYPES.has(e.op.type)))
        assert.ok(expected.length >= 4, 'create, invite, join and rekey at least')
        const listed = await store.listMembership(log.id)
        assert.deepEqual(
          listed.map((r) => toHex(decodeEntry(r.bytes).id)),
          expected.map((e) => e.idHex)
        )
        assert.deepEqual(await store.listMembership(new Uint8Array(32)), [])
      })
    })

    it('lists the entries of one epoch in order, a page at a time', async () => {
      await withStore(setup, async (store, log) => {
        const all = await logEntries(log)
        // the epoch of the latest message: the rekey's, holding every message after it
        const epoch = (all.findLast((e) => e.epochHex !== '') as { epochHex: string }).epochHex
        const expected = all.filter((e) => e.epochHex === epoch).map((e) => e.idHex)
        assert.ok(expected.length >= 2, 'two entries at least, read in pages of one')
        const seen: string[] = []
        let after: Uint8Array | undefined
        for (let pages = 0; pages < 20; pages++) {
          const page = await store.listEpoch(log.id, epoch, after === undefined ? { limit: 1 } : { after, limit: 1 })
          if (page.length === 0) break
          assert.ok(page.length <= 1)
          seen.push(...page.map((r) => toHex(decodeEntry(r.bytes).id)))
          after = page.at(-1)?.key
        }
        assert.deepEqual(seen, expected)
        assert.deepEqual(await store.listEpoch(log.id, 'ff'.repeat(16), { limit: 10 }), [])
      })
    })

    it('finds the equivocations, with their ids sorted', async () => {
      await withStore(setup, async (store, log, forked) => {
        const found = await store.equivocations(log.id)
        assert.equal(found.length, 1)
        assert.equal(toHex(found[0]?.author as Uint8Array), log.equivocations()[0]?.author)
        assert.deepEqual(found[0]?.ids.map(toHex), forked.map(toHex).sort())
      })
    })

    it("tells each author's messages (from view rows) and latest time (from facts)", async () => {
      await withStore(setup, async (store, log) => {
        const all = await logEntries(log)
        await putRows(
          store,
          log.id,
          all.flatMap((e) => rowsOf(e))
        )
        const activity = await store.authorActivity(log.id)
        for (const author of new Set(all.map((e) => e.authorHex))) {
          const own = all.filter((e) => e.authorHex === author)
          assert.deepEqual(activity.get(author), {
            messages: own.filter((e) => e.op?.type === 'message').length,
            lastActive: Math.max(...own.map((e) => e.time))
          })
        }
      })
    })

    it('stores view rows with their entries, all or nothing, and finds them after a reopen', async () => {
      const h = await setup()
      try {
        const { a } = await sample()
        const stored = await storedWithFacts(a)
        const all = await logEntries(a.log)
        await h.store.putEntries(
          a.log.id,
          stored,
          all.flatMap((e) => rowsOf(e))
        )
        const texts = async (store: Store) => (await store.messageRows(a.log.id, { limit: 50, hidden: [] })).messages.map((m) => m.text)
        const expected = all.filter((e) => e.op?.type === 'message').map((e) => (e.op as { text: string }).text)
        assert.deepEqual(await texts(h.store), expected)
        if (h.reopen !== undefined) assert.deepEqual(await texts(await h.reopen()), expected)
      } finally {
        await h.cleanup?.()
      }
    })
  })
}
