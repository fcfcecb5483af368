/**
 * The daemon's blobs (core's BlobStore, blob/blob-format.ts) as files in
 * its data directory: `blobs/<group id>/<first two hex digits>/<blob id>`
 * (`blobs/<group id>/own/…` for this device's own files, which the room
 * for files never evicts: blob-quota.ts),
 * each a chunk of sealed ciphertext, so a file of any size passes through
 * the daemon without its memory growing. A blob is written to a temporary
 * name and renamed, so a blob file is whole or absent; this device's own
 * (a file it sends) is fsynced first, and its folder after the rename (the
 * new name is there): the message naming it is written only once the file
 * is safe.
 */
import { statSync } from 'node:fs'
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { type BlobStore, MAX_BLOB_BYTES, toHex } from '@causette/core'
import { syncDirectory } from '../data-dir.ts'
import { BlobQuota, OWN_DIR } from './blob-quota.ts'

export const BLOBS_DIR = 'blobs'

export class FileBlobStore implements BlobStore {
  readonly dir: string
  private readonly quota?: BlobQuota
  /** Directories made already: one mkdir per directory, not per piece. */
  private readonly made = new Set<string>()
  /** Group hex → whether its last piece read was this device's own: looked for there first (a sender serves its own). */
  private readonly ownLast = new Map<string, boolean>()

  /** `limitBytes`: the room for pieces (blob-quota.ts); none when absent. */
  constructor(dir: string, options: { limitBytes?: number } = {}) {
    this.dir = dir
    if (options.limitBytes !== undefined) this.quota = new BlobQuota(dir, options.limitBytes)
  }

  /** A piece of this device's own file (`durable`) is fsynced, and kept apart: never evicted. */
  async put(group: Uint8Array, id: Uint8Array, bytes: Uint8Array, options: { durable?: boolean } = {}): Promise<void> {
    const own = options.durable === true
    const path = this.pathOf(group, id, own)
    if (exists(path)) return
    await this.quota?.reserve(bytes.byteLength)
    const parent = join(path, '..')
    if (!this.made.has(parent)) {
      const first = await mkdir(parent, { recursive: true, mode: 0o700 })
      // the names of the folders made, as the file's own name below, survive a power loss
      if (own && first !== undefined) for (let dir = parent; dir !== dirname(first); dir = dirname(dir)) await syncDirectory(dirname(dir))
      this.made.add(parent)
    }
    const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
    const file = await open(temporary, 'w', 0o600)
    try {
      await file.writeFile(bytes)
      if (own) await file.sync()
    } finally {
      await file.close()
    }
    await rename(temporary, path)
    if (own) await syncDirectory(parent)
    this.quota?.added(toHex(group), path, bytes.byteLength, own)
  }

  async get(group: Uint8Array, id: Uint8Array): Promise<Uint8Array | undefined> {
    return this.readInto(group, id, new Uint8Array(MAX_BLOB_BYTES))
  }

  async readInto(group: Uint8Array, id: Uint8Array, buffer: Uint8Array): Promise<Uint8Array | undefined> {
    const groupHex = toHex(group)
    const ownFirst = this.ownLast.get(groupHex) ?? false
    for (const own of [ownFirst, !ownFirst]) {
      let file: Awaited<ReturnType<typeof open>>
      try {
        file = await open(this.pathOf(group, id, own), 'r')
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue
        throw err
      }
      try {
        const { size } = await file.stat()
        if (size > buffer.byteLength) throw new RangeError(`a stored piece is ${size} bytes, larger than a piece may be: ${file}`)
        let filled = 0
        while (filled < size) {
          const { bytesRead } = await file.read(buffer, filled, size - filled, filled)
          if (bytesRead === 0) break
          filled += bytesRead
        }
        this.ownLast.set(groupHex, own)
        return buffer.subarray(0, filled)
      } finally {
        await file.close()
      }
    }
    return undefined
  }

  async has(group: Uint8Array, ids: Uint8Array[]): Promise<boolean[]> {
    return Promise.all(ids.map(async (id) => (await this.find(group, id)) !== undefined))
  }

  async delete(group: Uint8Array, ids: Uint8Array[]): Promise<void> {
    for (const id of ids) {
      const path = await this.find(group, id)
      if (path === undefined) continue
      const size = (await stat(path).catch(() => undefined))?.size
      await unlink(path).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err
      })
      if (size !== undefined) this.quota?.removed(toHex(group), path, size)
    }
  }

  /** Where the piece is held (this device's own first), if it is. */
  private async find(group: Uint8Array, id: Uint8Array): Promise<string | undefined> {
    for (const own of [true, false]) {
      const path = this.pathOf(group, id, own)
      if (exists(path)) return path
    }
    return undefined
  }

  private pathOf(group: Uint8Array, id: Uint8Array, own: boolean): string {
    const hex = toHex(id)
    return join(this.dir, toHex(group), ...(own ? [OWN_DIR] : []), hex.slice(0, 2), hex)
  }
}

/**
 * Whether a piece's file is there, asked synchronously: a stat of a directory entry the kernel has cached takes
 * microseconds, less than a round trip through libuv's threads, and a missing file costs no Error (a reader asks
 * for every piece it lacks, a sender for every piece it stores).
 */
function exists(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false }) !== undefined
}
