/**
 * The daemon's blobs (core's BlobStore, blob/blob-format.ts) as files in
 * its data directory: `blobs/<group id>/<first two hex digits>/<blob id>`,
 * each a chunk of sealed ciphertext, so a file of any size passes through
 * the daemon without its memory growing. A blob is written to a temporary
 * name and renamed, so a blob file is whole or absent; this device's own
 * (a file it sends) is fsynced first: the message naming it is written
 * only once the file is safe.
 */
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { type BlobStore, toHex } from '@causette/core'

export const BLOBS_DIR = 'blobs'

export class FileBlobStore implements BlobStore {
  readonly dir: string

  constructor(dir: string) {
    this.dir = dir
  }

  async put(group: Uint8Array, id: Uint8Array, bytes: Uint8Array, options: { durable?: boolean } = {}): Promise<void> {
    const path = this.pathOf(group, id)
    if (await exists(path)) return
    await mkdir(join(path, '..'), { recursive: true, mode: 0o700 })
    const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
    const file = await open(temporary, 'w', 0o600)
    try {
      await file.writeFile(bytes)
      if (options.durable === true) await file.sync()
    } finally {
      await file.close()
    }
    await rename(temporary, path)
  }

  async get(group: Uint8Array, id: Uint8Array): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.pathOf(group, id)))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw err
    }
  }

  async has(group: Uint8Array, ids: Uint8Array[]): Promise<boolean[]> {
    return Promise.all(ids.map((id) => exists(this.pathOf(group, id))))
  }

  async delete(group: Uint8Array, ids: Uint8Array[]): Promise<void> {
    await Promise.all(
      ids.map((id) =>
        unlink(this.pathOf(group, id)).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'ENOENT') throw err
        })
      )
    )
  }

  private pathOf(group: Uint8Array, id: Uint8Array): string {
    const hex = toHex(id)
    return join(this.dir, toHex(group), hex.slice(0, 2), hex)
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}
