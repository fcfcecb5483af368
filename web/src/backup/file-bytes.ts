/** A file the person picked (a Blob), read as core's readers take it: bytes at an offset, or in pieces from one. */
import type { ReadAt } from '@causette/core/backups'

const PIECE_BYTES = 1024 * 1024

export function readAtOf(file: Blob): ReadAt {
  return async (offset, length) => new Uint8Array(await file.slice(offset, offset + length).arrayBuffer())
}

export async function* piecesOf(file: Blob, from = 0): AsyncGenerator<Uint8Array> {
  for (let at = from; at < file.size; at += PIECE_BYTES) yield new Uint8Array(await file.slice(at, at + PIECE_BYTES).arrayBuffer())
}

/** A Blob of bytes made in pieces (a backup, a bundle), for the browser to save. */
export async function blobOf(pieces: AsyncIterable<Uint8Array>): Promise<Blob> {
  const parts: BlobPart[] = []
  for await (const piece of pieces) parts.push(piece as Uint8Array<ArrayBuffer>)
  return new Blob(parts, { type: 'application/octet-stream' })
}

/** A name for a saved file: the group's or person's name, kept to letters, digits, `_` and `-`. */
export function fileNameOf(name: string, fallback: string): string {
  return (name || fallback).replace(/[^\p{L}\p{N}_-]+/gu, '-')
}
