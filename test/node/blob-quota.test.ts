/**
 * The daemon's room for files (node/src/blobs: FileBlobStore with a quota),
 * on real files: past the room, pieces fetched from others are evicted —
 * the oldest of each group first, one group after another — and pieces of
 * this device's own files never are; across a restart the pieces on disk
 * are counted again; when only its own are left, a new piece is refused
 * with a clear error and nothing is written.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { FileBlobStore } from '../../node/src/blobs/file-blob-store.ts'

const dirs: string[] = []
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

const G1 = new Uint8Array(32).fill(1)
const G2 = new Uint8Array(32).fill(2)
const id = (n: number) => new Uint8Array(32).fill(n)
const KB = 1000
/**
 * Between writes whose order the test asserts: after a restart a piece's age is its file's mtime, which the
 * kernel stamps from a clock that moves every few ms, so two pieces written in the same tick are as old as
 * each other and either may go first (this failed once in CI that way).
 */
const nextTick = () => new Promise((resolve) => setTimeout(resolve, 20))

describe("the daemon's room for files", () => {
  it("evicts others' oldest pieces group by group, never this device's own, and counts the pieces on disk after a restart", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'causette-quota-'))
    dirs.push(dir)
    const store = new FileBlobStore(dir, { limitBytes: 1000 * KB })
    await store.put(G1, id(10), randomBytes(400 * KB), { durable: true })
    await store.put(G1, id(11), randomBytes(200 * KB))
    await store.put(G2, id(20), randomBytes(200 * KB))
    await nextTick()
    await store.put(G1, id(12), randomBytes(200 * KB))
    assert.deepEqual(await store.has(G1, [id(10), id(11), id(12)]), [true, true, true], 'all fit in the room')
    await nextTick()
    await store.put(G2, id(21), randomBytes(200 * KB))
    assert.deepEqual(await store.has(G1, [id(10), id(11), id(12)]), [true, false, true], "the oldest of a group went; this device's own stayed")
    assert.deepEqual(await store.has(G2, [id(20), id(21)]), [true, true])
    assert.equal(await store.get(G1, id(11)), undefined)

    const restarted = new FileBlobStore(dir, { limitBytes: 1000 * KB })
    await restarted.put(G1, id(13), randomBytes(300 * KB))
    assert.deepEqual(await restarted.has(G1, [id(10), id(12), id(13)]), [true, false, true], "group 1's oldest other piece went first")
    assert.deepEqual(await restarted.has(G2, [id(20), id(21)]), [false, true], "then group 2's oldest")
  })

  it("refuses a piece when only this device's own files are left, saying what to do, and writes nothing", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'causette-quota-'))
    dirs.push(dir)
    const store = new FileBlobStore(dir, { limitBytes: 500 * KB })
    await store.put(G1, id(30), randomBytes(400 * KB), { durable: true })
    await assert.rejects(store.put(G1, id(31), randomBytes(200 * KB)), {
      name: 'FileStorageFullError',
      message: /full of files this device sent, which are never evicted; raise it with --file-storage-mb/
    })
    assert.deepEqual(await store.has(G1, [id(30), id(31)]), [true, false])
  })
})
