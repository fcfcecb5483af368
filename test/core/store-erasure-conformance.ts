/**
 * The Store conformance suite, disappearing messages (store.ts:
 * expiringEntries, eraseEntries): what is due, soonest first; an erasure
 * that keeps the entry under its id with its body gone, and takes the rows
 * it made — its message, its words, its edits and the changes naming it —
 * out of every read, for good and, for durable engines, across a reopen.
 * Run by runStoreConformance for every engine.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeEntry, erasedBytesOf, type GroupLog, type LogEntry, type Store, searchWords, toHex } from '@causette/core'
import { entryBytesOf } from '../fixtures/entry-bytes.ts'
import { merge, type Replica, replicas } from '../fixtures/replicas.ts'
import type { StoreHarness } from './store-conformance.ts'

const NONE = [] as const

interface Written {
  log: GroupLog
  soon: LogEntry
  soonEdit: LogEntry
  reaction: LogEntry
  later: LogEntry
  kept: LogEntry
}

/** In a group whose creator's store is `store`: a message due soon with its edit and another member's reaction, one due later, one that never disappears. */
async function writeDisappearing(store: Store): Promise<Written> {
  const [a, b] = (await replicas(2, { creatorStore: store })) as [Replica, Replica]
  const now = Date.now()
  const soon = await a.log.append({ type: 'message', text: 'meet at the lighthouse' }, { expires: now + 60_000 })
  const soonEdit = await a.log.append({ type: 'edit', target: soon.id, text: 'meet at the harbour' }, { expires: now + 60_000 })
  await merge(a, b)
  const reaction = await b.log.append({ type: 'reaction', target: soon.id, emoji: '👍', add: true }, { expires: now + 60_000 })
  await merge(b, a)
  const later = await a.log.append({ type: 'message', text: 'bring the lantern' }, { expires: now + 120_000 })
  const kept = await a.log.append({ type: 'message', text: 'welcome aboard' })
  return { log: a.log, soon, soonEdit, reaction, later, kept }
}

async function shownTexts(store: Store, group: Uint8Array): Promise<string[]> {
  return (await store.messageRows(group, { limit: 50, hidden: NONE })).messages.map((m) => m.text)
}

async function found(store: Store, group: Uint8Array, text: string): Promise<number> {
  return (await store.searchMessageRows(searchWords(text), { group, limit: 10, offset: 0 })).length
}

export function runErasureConformance(engine: string, setup: () => Promise<StoreHarness>): void {
  describe(`Store conformance, disappearing messages: ${engine}`, () => {
    it('lists the entries due by a time, soonest first, and only those still holding a body', async () => {
      const h = await setup()
      try {
        const w = await writeDisappearing(h.store)
        const group = w.log.id
        const due = await h.store.expiringEntries(group, { until: Date.now() + 90_000, limit: 10 })
        assert.deepEqual(new Set(due.map((d) => toHex(d.id))), new Set([w.soon.idHex, w.soonEdit.idHex, w.reaction.idHex]))
        const all = await h.store.expiringEntries(group, { until: Number.MAX_SAFE_INTEGER, limit: 10 })
        assert.equal(all.length, 4, 'the message that never disappears is not listed')
        assert.equal(toHex(all.at(-1)?.id as Uint8Array), w.later.idHex, 'soonest first')
        assert.deepEqual(
          all.map((d) => toHex(d.bytes)),
          await Promise.all(all.map(async (d) => toHex(await entryBytesOf(w.log, { id: d.id, idHex: toHex(d.id) }))))
        )
        assert.equal((await h.store.expiringEntries(group, { until: Number.MAX_SAFE_INTEGER, limit: 1 })).length, 1, 'at most limit')
        assert.deepEqual(await h.store.expiringEntries(group, { until: Date.now(), limit: 10 }), [], 'nothing is due yet')
      } finally {
        await h.cleanup?.()
      }
    })

    it('erases a body: the entry stays under its id, its message, words, edits and reactions are gone', async () => {
      const h = await setup()
      try {
        const w = await writeDisappearing(h.store)
        const group = w.log.id
        assert.equal(await found(h.store, group, 'harbour'), 1, 'the edit is searchable before')
        const before = await h.store.countMessageRows(group, NONE)
        const due = await h.store.expiringEntries(group, { until: Date.now() + 90_000, limit: 10 })
        await h.store.eraseEntries(
          group,
          due.map((d) => ({ id: d.id, bytes: erasedBytesOf(decodeEntry(d.bytes)) }))
        )
        const [held] = await h.store.getEntries(group, [w.soon.id])
        const erased = decodeEntry(held as Uint8Array)
        assert.equal(erased.erased, true)
        assert.equal(toHex(erased.id), w.soon.idHex, 'same id: the DAG still holds it')
        assert.deepEqual(await h.store.hasEntries(group, [w.soon.id, w.soonEdit.id, w.reaction.id]), [true, true, true])
        assert.ok(!(await shownTexts(h.store, group)).some((t) => t.includes('lighthouse') || t.includes('harbour')))
        assert.deepEqual(await shownTexts(h.store, group), ['bring the lantern', 'welcome aboard'])
        assert.equal((await h.store.messageRowsById(group, [w.soon.id], NONE)).messages.length, 0)
        assert.equal(await h.store.countMessageRows(group, NONE), before - 1)
        assert.equal(await found(h.store, group, 'lighthouse'), 0, 'its words left the index')
        assert.equal(await found(h.store, group, 'harbour'), 0, "its edit's words too")
        assert.equal(await found(h.store, group, 'lantern'), 1, 'other messages are still found')
        const left = await h.store.expiringEntries(group, { until: Number.MAX_SAFE_INTEGER, limit: 10 })
        assert.deepEqual(
          left.map((d) => toHex(d.id)),
          [w.later.idHex],
          'an erased entry is not due again'
        )
        await h.store.eraseEntries(group, [{ id: new Uint8Array(32).fill(7), bytes: new Uint8Array([1]) }])
        assert.equal(await h.store.countEntries(group), w.log.size, 'an id not held is ignored')
      } finally {
        await h.cleanup?.()
      }
    })

    it('keeps an erasure across a reopen', async (t) => {
      const h = await setup()
      try {
        if (h.reopen === undefined) {
          t.diagnostic(`${engine} keeps nothing across a reopen by design`)
          return
        }
        const w = await writeDisappearing(h.store)
        const due = await h.store.expiringEntries(w.log.id, { until: Date.now() + 90_000, limit: 10 })
        await h.store.eraseEntries(
          w.log.id,
          due.map((d) => ({ id: d.id, bytes: erasedBytesOf(decodeEntry(d.bytes)) }))
        )
        const reopened = await h.reopen()
        const [held] = await reopened.getEntries(w.log.id, [w.soon.id])
        assert.equal(decodeEntry(held as Uint8Array).erased, true)
        assert.deepEqual(await shownTexts(reopened, w.log.id), ['bring the lantern', 'welcome aboard'])
        assert.equal((await reopened.expiringEntries(w.log.id, { until: Number.MAX_SAFE_INTEGER, limit: 10 })).length, 1)
      } finally {
        await h.cleanup?.()
      }
    })
  })
}
