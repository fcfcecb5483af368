/**
 * The tab's files in IndexedDB (web/src/store/idb-blobs.ts), in real
 * Chromium: core's BlobStore kept by group, outliving a reopen, gone with
 * its group; and a blob the browser refuses for quota is StorageFullError
 * saying the file was not kept, with nothing of it stored.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { blobId, toHex } from '@causette/core'
import type { CDPSession } from 'playwright-core'
import { bounded, TEST_TIMEOUT_MS } from './fixtures/page-store.ts'
import { storePages } from './fixtures/store-pages.ts'

const GROUP = new Uint8Array(32).fill(3)
const OTHER = new Uint8Array(32).fill(4)
/** A chunk's worth (core's CHUNK_BYTES and its tag). */
const CHUNK = 256 * 1024 + 16

const { withPage, url: pagesUrl } = storePages()

async function blob(bytes = randomBytes(1000)): Promise<{ id: Uint8Array; bytes: Uint8Array }> {
  const b = new Uint8Array(bytes)
  return { id: await blobId(b), bytes: b }
}

describe("the tab's files in IndexedDB", () => {
  it('keeps blobs by group, answers which it holds, outlives a reopen and deletes what is asked', { timeout: TEST_TIMEOUT_MS }, () =>
    withPage(async (client) => {
      let store = await client.open('blobs')
      let blobs = client.blobsOf(store)
      const [a, b, c] = await Promise.all([blob(), blob(), blob(randomBytes(CHUNK))])
      await blobs.put(GROUP, a.id, a.bytes, { durable: true })
      await blobs.put(GROUP, b.id, b.bytes)
      await blobs.put(OTHER, c.id, c.bytes)
      // storing it again changes nothing
      await blobs.put(GROUP, a.id, a.bytes, { durable: true })
      assert.deepEqual(await blobs.has(GROUP, [a.id, b.id, c.id]), [true, true, false], 'a blob is held only in its own group')
      assert.deepEqual(await blobs.has(GROUP, []), [])
      assert.equal(await blobs.get(GROUP, c.id), undefined)

      await store.close()
      store = await client.open('blobs')
      blobs = client.blobsOf(store)
      assert.equal(toHex((await blobs.get(GROUP, a.id)) as Uint8Array), toHex(a.bytes))
      assert.equal(toHex((await blobs.get(OTHER, c.id)) as Uint8Array), toHex(c.bytes), 'a whole chunk comes back whole')

      await blobs.delete(GROUP, [a.id])
      assert.deepEqual(await blobs.has(GROUP, [a.id, b.id]), [false, true])
      // a group deleted takes its files with it, and only its own
      await store.putGroup({ id: GROUP, secret: new Uint8Array(32), name: 'g', addedAt: 1 })
      await store.deleteGroup(GROUP)
      assert.deepEqual(await blobs.has(GROUP, [b.id]), [false])
      assert.deepEqual(await blobs.has(OTHER, [c.id]), [true])
      await client.remove('blobs')
    })
  )

  it('refuses a blob the browser has no room for with StorageFullError, saying the file was not kept', { timeout: TEST_TIMEOUT_MS }, () =>
    withPage(async (client, watched) => {
      const cdp: CDPSession = await bounded(watched.context.newCDPSession(watched.page), 10_000, 'Chromium')
      const origin = new URL(pagesUrl()).origin
      await bounded(cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 2 * CHUNK }), 10_000, 'Chromium')
      const store = await client.open('full')
      const blobs = client.blobsOf(store)
      const kept: Array<{ id: Uint8Array; bytes: Uint8Array }> = []
      let refusal: unknown
      let refused: { id: Uint8Array; bytes: Uint8Array } | undefined
      for (let i = 0; i < 20 && refused === undefined; i++) {
        const next = await blob(randomBytes(CHUNK))
        try {
          await blobs.put(GROUP, next.id, next.bytes, { durable: true })
          kept.push(next)
        } catch (err) {
          refusal = err
          refused = next
        }
      }
      assert.ok(refused !== undefined, 'the browser took 20 chunks under a quota of two')
      assert.equal((refusal as Error).name, 'StorageFullError')
      assert.match((refusal as Error).message, /refused to store this file .* Free some space or allow more storage, then try again/)
      assert.deepEqual(await blobs.has(GROUP, [refused.id]), [false], 'nothing of the refused blob is kept')
      assert.deepEqual(
        await blobs.has(
          GROUP,
          kept.map((k) => k.id)
        ),
        kept.map(() => true)
      )
      await bounded(cdp.send('Storage.overrideQuotaForOrigin', { origin }), 10_000, 'Chromium')
      await blobs.put(GROUP, refused.id, refused.bytes, { durable: true })
      assert.deepEqual(await blobs.has(GROUP, [refused.id]), [true], 'once there is room, the same blob is kept')
      await client.remove('full')
    })
  )

  it(
    "keeps files within the tab's room: others' oldest evicted first, its own never, and a refusal in words when only its own are left",
    { timeout: TEST_TIMEOUT_MS },
    () =>
      withPage(async (client) => {
        let store = await client.open('room')
        let blobs = client.blobsOf(store)
        await client.call(store.handle, 'blobs.setLimit', [1_000_000])
        const pause = () => new Promise((r) => setTimeout(r, 5))
        const put = async (b: { id: Uint8Array; bytes: Uint8Array }, durable: boolean) => {
          await blobs.put(GROUP, b.id, b.bytes, { durable })
          await pause()
        }
        type Blob = { id: Uint8Array; bytes: Uint8Array }
        const [own1, o1, o2, o3, own2, own3, own4, o4] = (await Promise.all(Array.from({ length: 8 }, () => blob(randomBytes(300_000))))) as [
          Blob,
          Blob,
          Blob,
          Blob,
          Blob,
          Blob,
          Blob,
          Blob
        ]
        const held = async (...bs: Array<{ id: Uint8Array }>) =>
          blobs.has(
            GROUP,
            bs.map((b) => b.id)
          )
        await put(own1, true)
        await put(o1, false)
        await put(o2, false)
        assert.deepEqual(await held(own1, o1, o2), [true, true, true], '900 kB fit in 1 MB')
        await put(o3, false)
        assert.deepEqual(await held(o1, o2, o3, own1), [false, true, true, true], 'the oldest of others’ went')
        await put(own2, true)
        await put(own3, true)
        assert.deepEqual(await held(o2, o3, own1, own2, own3), [false, false, true, true, true], 'then the next oldest, never the tab’s own')
        await assert.rejects(put(own4, true), {
          name: 'StorageFullError',
          message: /room for files in this tab \(1 MB\) is full of files you sent/
        })
        await assert.rejects(put(o4, false), { name: 'StorageFullError', message: /so this one was not kept/ })
        assert.deepEqual(await held(own4, o4), [false, false], 'nothing of a refused blob is kept')

        // the count outlives a reopen
        await store.close()
        store = await client.open('room')
        blobs = client.blobsOf(store)
        await client.call(store.handle, 'blobs.setLimit', [1_000_000])
        await assert.rejects(put(o4, false), { name: 'StorageFullError' })
        // a deleted file makes room
        await blobs.delete(GROUP, [own1.id])
        await put(o4, false)
        assert.deepEqual(await held(o4), [true])
        await client.remove('room')
      })
  )
})
