/**
 * The IndexedDB store's failures a person must see, in real Chromium: a
 * browser that refuses to store more (a quota made small through the
 * DevTools protocol) rejects the write with StorageFullError and keeps
 * everything written before it, whole, and nothing of the refused batch;
 * a database written by a newer Causette is refused with StoreTooNewError;
 * the request for persistent storage gets the browser's answer.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ORDER_KEY_BYTES, type StoredEntry, toHex } from '@causette/core'
import type { CDPSession } from 'playwright-core'
import { requestPersistentStorage } from '../../web/src/store/persistent-storage.ts'
import { StorageFullError } from '../../web/src/store/storage-errors.ts'
import { bounded, type PageStore, TEST_TIMEOUT_MS } from './fixtures/page-store.ts'
import { storePages } from './fixtures/store-pages.ts'
import { chainOf } from './fixtures/synthetic-entries.ts'

/** A quota a few batches fill. */
const QUOTA_BYTES = 300 * 1024
const BATCH = 50
/** Far more than the quota holds: the loop ends by a refusal well before. */
const MAX_BATCHES = 100
const GROUP = new Uint8Array(32).fill(7)
const AUTHOR = new Uint8Array(32).fill(8)

const { withPage, url: pagesUrl } = storePages()

async function setQuota(cdp: CDPSession, origin: string, quotaSize?: number): Promise<void> {
  // without quotaSize, the override is lifted
  await bounded(cdp.send('Storage.overrideQuotaForOrigin', quotaSize === undefined ? { origin } : { origin, quotaSize }), 10_000, 'Chromium')
}

describe('IndexedDbStore in Chromium, when storage fails', () => {
  it(
    'rejects a write the browser refuses for quota with StorageFullError, keeping what came before whole and nothing of the batch',
    { timeout: TEST_TIMEOUT_MS },
    (t) =>
      withPage(async (client, watched) => {
        const cdp = await bounded(watched.context.newCDPSession(watched.page), 10_000, 'Chromium')
        const origin = new URL(pagesUrl()).origin
        await setQuota(cdp, origin, QUOTA_BYTES)
        const store: PageStore = await client.open('quota')
        await store.setDurableAuthor(AUTHOR)
        const kept: StoredEntry[] = []
        let refusal: unknown
        let refused: ReturnType<typeof chainOf> | undefined
        for (let batch = 0; batch < MAX_BATCHES && refused === undefined; batch++) {
          const next = chainOf(AUTHOR, kept.length + 1, BATCH, `batch${batch}`)
          try {
            await store.putEntries(GROUP, next.entries, next.rows)
            kept.push(...next.entries)
          } catch (err) {
            refusal = err
            refused = next
          }
        }
        assert.ok(refused !== undefined, `the browser took ${MAX_BATCHES} batches under a quota of ${QUOTA_BYTES} bytes`)
        assert.ok(kept.length > 0, 'the quota holds some batches before refusing')
        t.diagnostic(`${kept.length} entries stored under a quota of ${QUOTA_BYTES} bytes, then a batch of ${BATCH} refused`)
        assert.deepEqual(
          { name: (refusal as Error).name, message: (refusal as Error).message },
          { name: 'StorageFullError', message: new StorageFullError().message }
        )

        // everything acknowledged is there, in order, with its view rows
        assert.equal(await store.countEntries(GROUP), kept.length)
        const listed = await store.listEntries(GROUP)
        assert.deepEqual(
          listed.map((e) => toHex(e.bytes)),
          kept.map((e) => toHex(e.bytes))
        )
        const last = kept.at(-1) as StoredEntry
        assert.deepEqual(await store.heads(GROUP), [last.id])
        assert.deepEqual(await store.authorSeqs(GROUP), new Map([[toHex(AUTHOR), last.seq]]))
        assert.equal(await store.countMessageRows(GROUP, []), kept.length)
        const newest = await store.messageRows(GROUP, { limit: 3, hidden: [] })
        assert.deepEqual(
          newest.messages.map((m) => m.seq),
          [last.seq - 2, last.seq - 1, last.seq]
        )

        // nothing of the refused batch: no entry, head, seq, row or word
        const ids = refused.entries.map((e) => e.id)
        assert.deepEqual(
          await store.hasEntries(GROUP, ids),
          ids.map(() => false)
        )
        assert.deepEqual(await store.messageRowsById(GROUP, [ids[0] as Uint8Array], []), { messages: [], changes: [], hasOlder: false })
        const refusedWord = `batch${kept.length / BATCH}`
        assert.deepEqual(await store.searchMessageRows([refusedWord], { limit: 10, offset: 0 }), [])
        assert.deepEqual(await store.listKeys(GROUP, { from: refused.entries[0]?.key as Uint8Array }), [])

        // once there is room again, the same batch is stored
        await setQuota(cdp, origin)
        await store.putEntries(GROUP, refused.entries, refused.rows)
        assert.equal(await store.countEntries(GROUP), kept.length + BATCH)
        assert.equal((await store.searchMessageRows([refusedWord], { limit: 100, offset: 0 })).length, BATCH)
        assert.equal((await store.listKeys(GROUP)).at(-1)?.length, ORDER_KEY_BYTES)
        await client.remove('quota')
      })
  )

  it('refuses a database written by a newer Causette with StoreTooNewError, saying which versions', { timeout: TEST_TIMEOUT_MS }, () =>
    withPage(async (client, watched) => {
      await watched.page.evaluate(openAtVersion, { name: 'from-a-newer-causette', version: 99 })
      await assert.rejects(client.open('from-a-newer-causette'), {
        name: 'StoreTooNewError',
        message: /written by a newer version of Causette \(its data is at version 99, this one knows up to \d+\)/
      })
      await client.remove('from-a-newer-causette')
    })
  )

  it('lets a newer version opened in another tab take the database, then refuses calls saying to reload', { timeout: TEST_TIMEOUT_MS }, () =>
    withPage(async (client, watched) => {
      const store = await client.open('replaced')
      await store.putGroup({ id: GROUP, secret: GROUP, name: 'Kept', addedAt: 1 })
      // not blocked: the store lets go as soon as the newer version asks
      await bounded(watched.page.evaluate(openAtVersion, { name: 'replaced', version: 99 }), 10_000, 'the newer version opening the database')
      await assert.rejects(store.countEntries(GROUP), { name: 'StoreClosedError', message: /newer version in another tab.*reload this page/ })
      await client.remove('replaced')
    })
  )

  it("asks the browser to keep the site's data and reports its answer", { timeout: TEST_TIMEOUT_MS }, (t) =>
    withPage(async (client) => {
      const answer = await client.requestPersistence()
      t.diagnostic(`headless Chromium answered: ${answer}`)
      assert.match(answer, /^(persisted|refused)$/)
    })
  )
})

describe('requestPersistentStorage', () => {
  it('says persisted when granted now or before, refused when not, unsupported where the browser cannot be asked', {
    timeout: TEST_TIMEOUT_MS
  }, async () => {
    const asked: string[] = []
    const storage = (before: boolean, now: boolean) => ({
      persisted: async () => before,
      persist: async () => {
        asked.push('persist')
        return now
      }
    })
    assert.equal(await requestPersistentStorage(storage(false, true)), 'persisted')
    assert.equal(await requestPersistentStorage(storage(false, false)), 'refused')
    assert.equal(await requestPersistentStorage(storage(true, false)), 'persisted')
    assert.equal(asked.length, 2, 'not asked again once granted')
    assert.equal(await requestPersistentStorage({}), 'unsupported')
    assert.equal(await requestPersistentStorage(undefined), 'unsupported', "Node's navigator has no storage")
  })
})

/**
 * Runs in the page: opens (creating) the database `name` at `version`, as
 * a later Causette would, with no upgrade of its own, and closes it.
 * Typed here without the DOM, hence the shape of indexedDB it uses.
 */
function openAtVersion({ name, version }: { name: string; version: number }): Promise<void> {
  interface OpenRequest {
    result: { close(): void }
    onsuccess: (() => void) | null
    onerror: (() => void) | null
  }
  const { indexedDB } = globalThis as unknown as { indexedDB: { open(name: string, version: number): OpenRequest } }
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, version)
    request.onsuccess = () => {
      request.result.close()
      resolve()
    }
    request.onerror = () => reject(new Error(`could not open ${name} at version ${version}`))
  })
}
