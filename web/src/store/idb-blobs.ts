/**
 * The tab's files: core's BlobStore on the app's IndexedDB database (the
 * store `blobs`, idb-schema.ts version 4), sharing the connection of the
 * IndexedDbStore it comes from. A blob this device wrote (`durable`) is on
 * disk before put() resolves; a blob fetched from others is written
 * relaxed, since what a crash loses of it is fetched again. A refused quota
 * is StorageFullError, saying the file was not kept.
 *
 * ```ts
 * const store = await IndexedDbStore.open()
 * const peer = await CausettePeer.create({ ..., store, blobs: store.blobs })
 * ```
 */
import type { BlobStore } from '@causette/core'
import type { Connection } from './idb-connection.ts'
import { compact, keyBytes } from './idb-ranges.ts'
import { StorageFullError } from './storage-errors.ts'

const FILE_REFUSED =
  "Your browser refused to store this file for Causette: the disk is full or this site's storage quota is used up. Free some space or allow more storage, then try again."

export class IndexedDbBlobStore implements BlobStore {
  private readonly connection: Connection

  constructor(connection: Connection) {
    this.connection = connection
  }

  async put(group: Uint8Array, id: Uint8Array, bytes: Uint8Array, options: { durable?: boolean } = {}): Promise<void> {
    try {
      await this.connection.write(['blobs'], options.durable === true, async (tx) => {
        await tx.objectStore('blobs').put(compact(bytes), [keyBytes(group), keyBytes(id)])
      })
    } catch (err) {
      throw err instanceof StorageFullError ? new StorageFullError(FILE_REFUSED) : err
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
    await this.connection.write(['blobs'], false, async (tx) => {
      const store = tx.objectStore('blobs')
      const g = keyBytes(group)
      await Promise.all(ids.map((id) => store.delete([g, keyBytes(id)])))
    })
  }
}
