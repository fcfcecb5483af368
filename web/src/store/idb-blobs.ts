/**
 * The tab's files: core's BlobStore on the app's IndexedDB database (the
 * store `blobs`, idb-schema.ts version 4), sharing the connection of the
 * IndexedDbStore it comes from. A blob this device wrote (`durable`) is on
 * disk before put() resolves; a blob fetched from others is written
 * relaxed, since what a crash loses of it is fetched again.
 *
 * **Room for files** (version 5): the blobs kept are counted (`blob-sizes`)
 * against a limit, 1 GB by default. When a blob would go past it, others'
 * blobs are evicted, the oldest first (they are fetched again if read);
 * this tab's own are never evicted — they may be the only copy — and when
 * only they are left, the blob is refused with StorageFullError saying so.
 * A quota the browser refuses is StorageFullError too, saying the file was
 * not kept.
 *
 * ```ts
 * const store = await IndexedDbStore.open()
 * const peer = await CausettePeer.create({ ..., store, blobs: store.blobs })
 * ```
 */
import type { BlobStore } from '@causette/core'
import type { Connection } from './idb-connection.ts'
import { compact, keyBytes, startingWith } from './idb-ranges.ts'
import type { WriteTransaction } from './idb-schema.ts'
import { StorageFullError } from './storage-errors.ts'

/** The room for files a tab keeps unless told otherwise. */
export const DEFAULT_FILE_ROOM_BYTES = 1_000_000_000

const FILE_REFUSED =
  "Your browser refused to store this file for Causette: the disk is full or this site's storage quota is used up. Free some space or allow more storage, then try again."

/** The tab's room for files is full of its own: said as the browser's refusal is (StorageFullError), in its own words. */
class FileRoomFull extends StorageFullError {}

export class IndexedDbBlobStore implements BlobStore {
  private readonly connection: Connection
  private limit = DEFAULT_FILE_ROOM_BYTES
  /** Bytes of the blobs counted, read from `blob-sizes` on first use. */
  private used: number | undefined

  constructor(connection: Connection) {
    this.connection = connection
  }

  /** The room for files, in bytes (the settings may change it; tests make it small). */
  setLimit(bytes: number): void {
    this.limit = bytes
  }

  async put(group: Uint8Array, id: Uint8Array, bytes: Uint8Array, options: { durable?: boolean } = {}): Promise<void> {
    const own = options.durable === true
    try {
      await this.connection.write(['blobs', 'blob-sizes'], own, async (tx) => {
        const key = [keyBytes(group), keyBytes(id)] as [ReturnType<typeof keyBytes>, ReturnType<typeof keyBytes>]
        const sizes = tx.objectStore('blob-sizes')
        if ((await sizes.getKey(key)) !== undefined) return
        await this.makeRoom(tx, bytes.byteLength, own)
        await tx.objectStore('blobs').put(compact(bytes), key)
        await sizes.put({ size: bytes.byteLength, own: own ? 1 : 0, at: Date.now() }, key)
        this.used = (this.used ?? 0) + bytes.byteLength
      })
    } catch (err) {
      // the count is read again, as the transaction left it
      this.used = undefined
      throw err instanceof StorageFullError && !(err instanceof FileRoomFull) ? new StorageFullError(FILE_REFUSED) : err
    }
  }

  async get(group: Uint8Array, id: Uint8Array): Promise<Uint8Array | undefined> {
    return this.connection.read(['blobs'], async (tx) => {
      const bytes = await tx.objectStore('blobs').get([keyBytes(group), keyBytes(id)])
      return bytes === undefined ? undefined : new Uint8Array(bytes)
    })
  }

  async has(group: Uint8Array, ids: Uint8Array[]): Promise<boolean[]> {
    if (ids.length === 0) return []
    return this.connection.read(['blobs'], async (tx) => {
      const store = tx.objectStore('blobs')
      const g = keyBytes(group)
      return Promise.all(ids.map(async (id) => (await store.getKey([g, keyBytes(id)])) !== undefined))
    })
  }

  async delete(group: Uint8Array, ids: Uint8Array[]): Promise<void> {
    if (ids.length === 0) return
    await this.connection.write(['blobs', 'blob-sizes'], false, async (tx) => {
      const g = keyBytes(group)
      await Promise.all(ids.map((id) => tx.objectStore('blobs').delete([g, keyBytes(id)])))
      await Promise.all(ids.map((id) => tx.objectStore('blob-sizes').delete([g, keyBytes(id)])))
    })
    this.used = undefined
  }

  /** A group is gone with its blobs (IndexedDbStore.deleteGroup, in its transaction): their sizes go too. */
  async forgetGroup(tx: WriteTransaction, group: Uint8Array): Promise<void> {
    await tx.objectStore('blob-sizes').delete(startingWith(group))
    this.used = undefined
  }

  /** Bytes of files kept, as counted. */
  async usedBytes(): Promise<number> {
    if (this.used === undefined) {
      this.used = await this.connection.read(['blob-sizes'], async (tx) => {
        let total = 0
        for (const size of await tx.objectStore('blob-sizes').getAll()) total += size.size
        return total
      })
    }
    return this.used
  }

  /** Evicts others' blobs, oldest first, until `size` more bytes fit; throws when only this tab's own are left. */
  private async makeRoom(tx: WriteTransaction, size: number, own: boolean): Promise<void> {
    let used = this.used ?? (await this.countIn(tx))
    if (used + size <= this.limit) return
    let cursor = await tx
      .objectStore('blob-sizes')
      .index('by-age')
      .openCursor(IDBKeyRange.bound([0, 0], [0, Number.MAX_SAFE_INTEGER]))
    while (cursor !== null && used + size > this.limit) {
      await tx.objectStore('blobs').delete(cursor.primaryKey)
      used -= cursor.value.size
      await cursor.delete()
      cursor = await cursor.continue()
    }
    this.used = used
    if (used + size > this.limit) {
      const room = Math.round(this.limit / 1_000_000)
      throw new FileRoomFull(
        own
          ? `The room for files in this tab (${room} MB) is full of files you sent, which are never removed to make room: delete messages with files you no longer need.`
          : `The room for files in this tab (${room} MB) is full of files you sent, so this one was not kept: delete messages with files you no longer need, then open it again.`
      )
    }
  }

  private async countIn(tx: WriteTransaction): Promise<number> {
    let total = 0
    for (const size of await tx.objectStore('blob-sizes').getAll()) total += size.size
    return total
  }
}
