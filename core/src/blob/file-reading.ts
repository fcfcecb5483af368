/**
 * Reading a file back from blobs (blob-format.ts): its manifest, then its
 * chunks in order, each opened with the file's key — fetching what this
 * device lacks a window at a time, so a large file streams out in bounded
 * memory and what arrived before an interruption is not fetched again.
 */
import type { XChaChaAead } from '../crypto/body-cipher.ts'
import { FileUnavailableError, MalformedBlobError } from './blob-errors.ts'
import { CHUNK_BYTES, MAX_BLOB_BYTES, openChunk, openManifest } from './blob-format.ts'
import type { BlobStore } from './blob-store.ts'

/** Chunks fetched at once ahead of what is being read: 16 MB. */
const WINDOW_CHUNKS = 64

/** What a message says of a file: enough to fetch and open it. */
export interface FileKeys {
  root: Uint8Array
  key: Uint8Array
  size: number
}

export interface FileReading {
  store: BlobStore
  aead: XChaChaAead
  group: Uint8Array
  /** Fetches blobs this device lacks from others, keeping them (blob-fetcher.ts). */
  fetch(ids: Uint8Array[]): Promise<void>
  /** Bytes of the file (or of the range) held here so far, of the total. */
  onProgress?: (held: number, total: number) => void
}

/** The file's bytes in [start, end) (all by default), in order. */
export async function* readFile(file: FileKeys, r: FileReading, range: { start?: number; end?: number } = {}): AsyncGenerator<Uint8Array> {
  const start = range.start ?? 0
  const end = Math.min(range.end ?? file.size, file.size)
  if (start < 0 || start > end) throw new RangeError(`a range of the file starts within it: ${start} to ${end} of ${file.size}`)
  const manifest = await manifestOf(file, r)
  if (start === end) return
  const first = Math.floor(start / CHUNK_BYTES)
  const last = Math.ceil(end / CHUNK_BYTES) - 1
  const total = end - start
  let delivered = 0
  const sealed = new Uint8Array(MAX_BLOB_BYTES)
  const windows: Array<{ from: number; ids: Uint8Array[] }> = []
  for (let from = first; from <= last; from += WINDOW_CHUNKS)
    windows.push({ from, ids: manifest.chunks.slice(from, Math.min(last + 1, from + WINDOW_CHUNKS)) })
  const fetchWindow = async (ids: Uint8Array[]): Promise<void> => {
    const held = await r.store.has(r.group, ids)
    const missing = ids.filter((_, i) => !held[i])
    if (missing.length > 0) await r.fetch(missing)
  }
  // the next window is fetched while this one is opened and handed out
  let fetching = fetchWindow(windows[0]?.ids ?? [])
  for (const [w, { from, ids: pieces }] of windows.entries()) {
    await fetching
    const next = windows[w + 1]
    fetching = next === undefined ? Promise.resolve() : fetchWindow(next.ids)
    // a failure of the next window is thrown when it is awaited, not as an unhandled rejection meanwhile
    fetching.catch(() => undefined)
    for (const [i, id] of pieces.entries()) {
      const index = from + i
      // one buffer for every piece read: opening a piece makes a new plaintext, so the sealed bytes are spent at once
      const bytes = r.store.readInto === undefined ? await r.store.get(r.group, id) : await r.store.readInto(r.group, id, sealed)
      if (bytes === undefined) throw new FileUnavailableError(`piece ${index + 1} of the file is not held`)
      const plain = openChunk(r.aead, file.key, index, bytes)
      const offset = index * CHUNK_BYTES
      const piece = plain.subarray(Math.max(0, start - offset), Math.min(plain.byteLength, end - offset))
      delivered += piece.byteLength
      r.onProgress?.(delivered, total)
      yield piece
    }
  }
}

/** Fetches every piece of the file this device lacks, opening none: a file kept to be opened later (offline too). */
export async function fetchFile(file: FileKeys, r: FileReading): Promise<void> {
  const { chunks } = await manifestOf(file, r)
  for (let from = 0; from < chunks.length; from += WINDOW_CHUNKS) {
    const ids = chunks.slice(from, from + WINDOW_CHUNKS)
    const held = await r.store.has(r.group, ids)
    const missing = ids.filter((_, i) => !held[i])
    if (missing.length > 0) await r.fetch(missing)
  }
}

/** The file's manifest, fetched first if this device lacks it, checked against what its message says. */
async function manifestOf(file: FileKeys, r: FileReading): Promise<{ size: number; chunks: Uint8Array[] }> {
  let sealed = await r.store.get(r.group, file.root)
  if (sealed === undefined) {
    await r.fetch([file.root])
    sealed = await r.store.get(r.group, file.root)
    if (sealed === undefined) throw new FileUnavailableError("the file's list of pieces could not be fetched")
  }
  const manifest = openManifest(r.aead, file.key, sealed)
  if (manifest.size !== file.size) throw new MalformedBlobError(`the file's manifest says ${manifest.size} bytes, its message ${file.size}`)
  return manifest
}

/** Ids of every blob of a held file (its manifest and chunks), to delete them; only the manifest when its chunks are not known. */
export async function fileBlobIds(file: FileKeys, r: Pick<FileReading, 'store' | 'aead' | 'group'>): Promise<Uint8Array[]> {
  const sealed = await r.store.get(r.group, file.root)
  if (sealed === undefined) return [file.root]
  try {
    return [file.root, ...openManifest(r.aead, file.key, sealed).chunks]
  } catch {
    return [file.root]
  }
}
