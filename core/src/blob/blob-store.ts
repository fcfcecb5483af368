/**
 * Where a device keeps blobs (blob-format.ts): by group, so a chunk is
 * served only to members of a group that holds it, and a group's blobs go
 * with the group. Engines: memory (here, for tests), files in the daemon's
 * data directory (node/src/blobs), IndexedDB in the web app.
 */
import { toHex } from '../codec/hex.ts'

export interface BlobStore {
  /**
   * Keeps a blob under its id (the SHA-256 of its bytes, checked by the caller); storing it again changes nothing.
   * `durable`: on disk before it resolves. Keeps no hold of `bytes` once it resolves: the caller reuses them.
   */
  put(group: Uint8Array, id: Uint8Array, bytes: Uint8Array, options?: { durable?: boolean }): Promise<void>
  get(group: Uint8Array, id: Uint8Array): Promise<Uint8Array | undefined>
  /**
   * get() into the caller's `buffer` (at least MAX_BLOB_BYTES long), answering the view of it the blob fills: for a
   * reader going through many blobs one after another, no new buffer per blob. Optional: get() is used without it.
   */
  readInto?(group: Uint8Array, id: Uint8Array, buffer: Uint8Array): Promise<Uint8Array | undefined>
  has(group: Uint8Array, ids: Uint8Array[]): Promise<boolean[]>
  delete(group: Uint8Array, ids: Uint8Array[]): Promise<void>
}

export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, Uint8Array>()

  async put(group: Uint8Array, id: Uint8Array, bytes: Uint8Array): Promise<void> {
    this.blobs.set(at(group, id), bytes.slice())
  }

  async get(group: Uint8Array, id: Uint8Array): Promise<Uint8Array | undefined> {
    return this.blobs.get(at(group, id))?.slice()
  }

  async readInto(group: Uint8Array, id: Uint8Array, buffer: Uint8Array): Promise<Uint8Array | undefined> {
    const bytes = this.blobs.get(at(group, id))
    if (bytes === undefined) return undefined
    buffer.set(bytes)
    return buffer.subarray(0, bytes.byteLength)
  }

  async has(group: Uint8Array, ids: Uint8Array[]): Promise<boolean[]> {
    return ids.map((id) => this.blobs.has(at(group, id)))
  }

  async delete(group: Uint8Array, ids: Uint8Array[]): Promise<void> {
    for (const id of ids) this.blobs.delete(at(group, id))
  }

  /** How many blobs are held, in all groups. */
  get size(): number {
    return this.blobs.size
  }
}

function at(group: Uint8Array, id: Uint8Array): string {
  return `${toHex(group)}/${toHex(id)}`
}
