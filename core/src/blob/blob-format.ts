/**
 * Files as blobs (DESIGN.md, "Files"): a file is cut into chunks of
 * CHUNK_BYTES, each sealed with XChaCha20-Poly1305 under a fresh key of the
 * file's own, and named by the SHA-256 of its ciphertext; a manifest — the
 * file's size and its chunks' ids, sealed under the same key — is named by
 * the SHA-256 of its ciphertext too, and that name is the file's root. A
 * message carries the root and the key (chat/operations.ts, FileRef), so
 * whoever reads the message can fetch the chunks from anyone and check each
 * against its name before keeping it, while those who only hold chunks —
 * another member's device, a relay — learn nothing of the file but its size.
 *
 * Nonces are the chunk's index (the manifest has its own): each key seals
 * one file only, so no nonce repeats under a key. The associated data binds
 * a chunk to its place, so chunks cannot be reordered.
 */
import { decode, encode } from 'cborg'
import { ENTRY_ID_BYTES } from '../constants.ts'
import type { XChaChaAead } from '../crypto/body-cipher.ts'
import { MalformedBlobError } from './blob-errors.ts'

/** Plaintext bytes per chunk (the last one may be shorter). */
export const CHUNK_BYTES = 256 * 1024
/** A chunk's ciphertext: the plaintext and the AEAD tag. */
export const MAX_BLOB_BYTES = CHUNK_BYTES + 16
/** The most chunks one file may have: its manifest must fit in one blob (~1.9 GB of file). */
export const MAX_CHUNKS = Math.floor((CHUNK_BYTES - 64) / (ENTRY_ID_BYTES + 2))
export const FILE_KEY_BYTES = 32

const MANIFEST_INDEX = 0xffffffff
const encoder = new TextEncoder()

export interface Manifest {
  /** The file's size in bytes. */
  size: number
  /** Its chunks' ids, in order. */
  chunks: Uint8Array[]
}

export function newFileKey(): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(FILE_KEY_BYTES))
}

/**
 * A blob's name: the SHA-256 of its bytes, by the platform's WebCrypto
 * (browsers and Node alike), ~8 times noble's speed on a 256 KiB piece —
 * the hash is on the path of every byte sent and fetched.
 */
export async function blobId(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>))
}

export function sealChunk(aead: XChaChaAead, key: Uint8Array, index: number, plaintext: Uint8Array): Uint8Array {
  return aead.seal(key, nonceOf(index), associatedData(index), plaintext)
}

export function openChunk(aead: XChaChaAead, key: Uint8Array, index: number, sealed: Uint8Array): Uint8Array {
  const plain = aead.open(key, nonceOf(index), associatedData(index), sealed)
  if (plain === null) throw new MalformedBlobError(`chunk ${index + 1} of the file does not open with the key its message gives`)
  return plain
}

export function sealManifest(aead: XChaChaAead, key: Uint8Array, manifest: Manifest): Uint8Array {
  return sealChunk(aead, key, MANIFEST_INDEX, encode({ size: manifest.size, chunks: manifest.chunks }))
}

export function openManifest(aead: XChaChaAead, key: Uint8Array, sealed: Uint8Array): Manifest {
  const plain = aead.open(key, nonceOf(MANIFEST_INDEX), associatedData(MANIFEST_INDEX), sealed)
  if (plain === null) throw new MalformedBlobError("the file's manifest does not open with the key its message gives")
  let value: unknown
  try {
    value = decode(plain, { strict: true, rejectDuplicateMapKeys: true })
  } catch (err) {
    throw new MalformedBlobError(`the file's manifest is not valid CBOR: ${(err as Error).message}`)
  }
  const m = value as { size?: unknown; chunks?: unknown }
  if (typeof m !== 'object' || m === null || !Number.isSafeInteger(m.size) || (m.size as number) < 0 || !Array.isArray(m.chunks)) {
    throw new MalformedBlobError("the file's manifest must give its size and its chunks")
  }
  const chunks = m.chunks as unknown[]
  if (chunks.length !== chunkCount(m.size as number) || chunks.some((c) => !(c instanceof Uint8Array) || c.byteLength !== ENTRY_ID_BYTES)) {
    throw new MalformedBlobError(`the file's manifest lists ${chunks.length} chunks, not the ${chunkCount(m.size as number)} its size needs`)
  }
  return { size: m.size as number, chunks: chunks as Uint8Array[] }
}

/** Chunks of a file of `size` bytes. */
export function chunkCount(size: number): number {
  return Math.ceil(size / CHUNK_BYTES)
}

function nonceOf(index: number): Uint8Array {
  const nonce = new Uint8Array(24)
  new DataView(nonce.buffer).setUint32(20, index)
  return nonce
}

function associatedData(index: number): Uint8Array {
  return encoder.encode(`causette/blob/v1/${index === MANIFEST_INDEX ? 'manifest' : index}`)
}
