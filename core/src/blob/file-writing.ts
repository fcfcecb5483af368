/**
 * Turning a file into blobs (blob-format.ts): its bytes, as they come, cut
 * into chunks, each sealed under a fresh key, named and stored as it is made
 * — a file of any size passes through in a chunk's worth of memory — then
 * the manifest, whose name is the file's root.
 */
import type { XChaChaAead } from '../crypto/body-cipher.ts'
import { FileTooLargeError } from './blob-errors.ts'
import { blobId, CHUNK_BYTES, MAX_CHUNKS, newFileKey, sealChunk, sealManifest } from './blob-format.ts'
import type { BlobStore } from './blob-store.ts'

export interface WrittenFile {
  root: Uint8Array
  key: Uint8Array
  size: number
}

export interface FileWriting {
  store: BlobStore
  aead: XChaChaAead
  group: Uint8Array
  /** Refuse a file larger than this many bytes. */
  maxBytes: number
  /** Bytes stored so far. */
  onProgress?: (bytes: number) => void
}

/** Stores the file's chunks and manifest; on any failure (too large, a source that broke off) deletes what it stored, and throws. */
export async function writeFile(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, w: FileWriting): Promise<WrittenFile> {
  const chunks: Uint8Array[] = []
  try {
    return await writeChunks(source, w, chunks)
  } catch (err) {
    await w.store.delete(w.group, chunks).catch(() => undefined)
    throw err
  }
}

async function writeChunks(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, w: FileWriting, chunks: Uint8Array[]): Promise<WrittenFile> {
  const key = newFileKey()
  let size = 0
  let pending = new Uint8Array(CHUNK_BYTES)
  let filled = 0
  const flush = async (): Promise<void> => {
    if (chunks.length >= MAX_CHUNKS) throw new FileTooLargeError(`a file may have at most ${MAX_CHUNKS} chunks of ${CHUNK_BYTES / 1024} KiB`)
    const sealed = sealChunk(w.aead, key, chunks.length, pending.subarray(0, filled))
    const id = await blobId(sealed)
    // this device's own file: durable before the message that names it is written
    await w.store.put(w.group, id, sealed, { durable: true })
    chunks.push(id)
    filled = 0
    w.onProgress?.(size)
  }
  for await (const piece of source) {
    let offset = 0
    while (offset < piece.byteLength) {
      const take = Math.min(CHUNK_BYTES - filled, piece.byteLength - offset)
      size += take
      if (size > w.maxBytes)
        throw new FileTooLargeError(
          `the file is larger than ${megabytes(w.maxBytes)}, the most this device sends (send a smaller one, or raise the limit)`
        )
      pending.set(piece.subarray(offset, offset + take), filled)
      filled += take
      offset += take
      if (filled === CHUNK_BYTES) {
        await flush()
        pending = new Uint8Array(CHUNK_BYTES)
      }
    }
  }
  if (filled > 0) await flush()
  const manifest = sealManifest(w.aead, key, { size, chunks })
  const root = await blobId(manifest)
  await w.store.put(w.group, root, manifest, { durable: true })
  return { root, key, size }
}

export function megabytes(bytes: number): string {
  return `${Math.round((bytes / 1_000_000) * 10) / 10} MB`
}
