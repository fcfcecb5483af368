/**
 * The Store conformance suite: what every storage engine must do for the
 * log. Each engine's test file calls `runStoreConformance` with a way to make
 * a fresh store and, for durable engines, to reopen the same one.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeEntry, type GroupLog, type Store, storedEntryOf, toHex } from '@causette/core'
import { entryBytes, logEntries } from '../fixtures/entry-bytes.ts'
import { merge, type Replica, replicas } from '../fixtures/replicas.ts'
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

    it('refuses work once closed, with a named error', async () => {
      const h = await setup()
      await h.store.close()
      await assert.rejects(h.store.countEntries(new Uint8Array(32)), { name: 'StoreClosedError' })
      await h.cleanup?.()
    })
  })
  runViewConformance(engine, setup)
}
