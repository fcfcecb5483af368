/**
 * The blob protocol's frames (`/causette/blob/1.0.0`), length-prefixed
 * CBOR: a request names the group by its sync tag (sync/membership-proof.ts)
 * and asks for up to MAX_IDS_PER_REQUEST blobs by id; the answer is either
 * one refusal, or one frame per id, in order, with the blob or without it
 * (not held). Decoding checks every field and size before use.
 */
import { decode, encode } from 'cborg'
import { Uint8ArrayList } from 'uint8arraylist'
import { ENTRY_ID_BYTES } from '../constants.ts'
import { TAG_BYTES } from '../sync/frames.ts'
import { MalformedBlobError } from './blob-errors.ts'
import { MAX_BLOB_BYTES } from './blob-format.ts'

export const BLOB_PROTOCOL = '/causette/blob/1.0.0'
export const MAX_IDS_PER_REQUEST = 16
/** No frame is larger: a blob and a little CBOR around it. */
export const MAX_BLOB_FRAME_BYTES = MAX_BLOB_BYTES + 128

export interface BlobRequest {
  tag: Uint8Array
  ids: Uint8Array[]
}

export type BlobAnswer = { refused: string } | { id: Uint8Array; bytes?: Uint8Array }

export function encodeRequest(request: BlobRequest): Uint8Array {
  return encode({ tag: request.tag, ids: request.ids })
}

export function decodeRequest(bytes: Uint8Array): BlobRequest {
  const m = decodeMap(bytes)
  const ids = m.ids
  if (!(m.tag instanceof Uint8Array) || m.tag.byteLength !== TAG_BYTES)
    throw new MalformedBlobError('a blob request names its group by a 16-byte tag')
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_IDS_PER_REQUEST || ids.some((id) => !isId(id))) {
    throw new MalformedBlobError(`a blob request asks for 1 to ${MAX_IDS_PER_REQUEST} blobs by their 32-byte ids`)
  }
  return { tag: m.tag, ids: ids as Uint8Array[] }
}

export function encodeAnswer(answer: BlobAnswer): Uint8Array | Uint8ArrayList {
  if (!('bytes' in answer) || answer.bytes === undefined) return encode(answer)
  // the same bytes as encode({ id, bytes }) (keys in cborg's canonical order), without copying the blob
  return new Uint8ArrayList(
    new Uint8Array([0xa2, 0x62, 0x69, 0x64, 0x58, 0x20]),
    answer.id,
    new Uint8Array([0x65, 0x62, 0x79, 0x74, 0x65, 0x73]),
    bytesHead(answer.bytes.byteLength),
    answer.bytes
  )
}

/** The head of a CBOR byte string of this length. */
function bytesHead(length: number): Uint8Array {
  if (length < 24) return new Uint8Array([0x40 + length])
  if (length < 0x100) return new Uint8Array([0x58, length])
  if (length < 0x10000) return new Uint8Array([0x59, length >> 8, length & 0xff])
  return new Uint8Array([0x5a, (length >>> 24) & 0xff, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff])
}

const PIECE_PREFIX = [0xa2, 0x62, 0x69, 0x64, 0x58, 0x20]
const BYTES_KEY = [0x65, 0x62, 0x79, 0x74, 0x65, 0x73]

export function decodeAnswer(bytes: Uint8Array): BlobAnswer {
  const piece = pieceFrame(bytes)
  if (piece !== undefined) return piece
  const m = decodeMap(bytes)
  if (typeof m.refused === 'string') return { refused: m.refused.slice(0, 500) }
  if (!isId(m.id)) throw new MalformedBlobError('a blob answer names the blob by its 32-byte id')
  if (m.bytes === undefined) return { id: m.id as Uint8Array }
  if (!(m.bytes instanceof Uint8Array) || m.bytes.byteLength > MAX_BLOB_BYTES)
    throw new MalformedBlobError(`a blob is at most ${MAX_BLOB_BYTES} bytes`)
  return { id: m.id as Uint8Array, bytes: m.bytes }
}

/**
 * The answer that carries a piece, as encodeAnswer writes it, read in place:
 * the piece is a view of the frame, not a copy (a piece is 256 KiB, and
 * every piece of every file passes here). Anything else is left to cborg.
 */
function pieceFrame(bytes: Uint8Array): { id: Uint8Array; bytes: Uint8Array } | undefined {
  if (bytes.byteLength < 45 || PIECE_PREFIX.some((b, i) => bytes[i] !== b) || BYTES_KEY.some((b, i) => bytes[38 + i] !== b)) return undefined
  const head = bytes[44] as number
  let length: number
  let at: number
  if (head >= 0x40 && head < 0x58) [length, at] = [head - 0x40, 45]
  else if (head === 0x58 && bytes.byteLength >= 46) [length, at] = [bytes[45] as number, 46]
  else if (head === 0x59 && bytes.byteLength >= 47) [length, at] = [((bytes[45] as number) << 8) | (bytes[46] as number), 47]
  else if (head === 0x5a && bytes.byteLength >= 49) [length, at] = [new DataView(bytes.buffer, bytes.byteOffset + 45, 4).getUint32(0), 49]
  else return undefined
  // only the shortest form of the length, and nothing after the piece, as cborg's strict decoding would have it
  const shortest = length < 24 ? 45 : length < 0x100 ? 46 : length < 0x10000 ? 47 : 49
  if (at !== shortest || at + length !== bytes.byteLength || length > MAX_BLOB_BYTES) return undefined
  return { id: bytes.subarray(6, 38), bytes: bytes.subarray(at) }
}

/** A frame of the blob protocols as a CBOR map, checked strictly; anything else is MalformedBlobError. */
export function decodeMap(bytes: Uint8Array): Record<string, unknown> {
  let value: unknown
  try {
    value = decode(bytes, { strict: true, rejectDuplicateMapKeys: true, allowUndefined: false })
  } catch (err) {
    throw new MalformedBlobError(`a blob frame is not valid CBOR: ${(err as Error).message}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array)
    throw new MalformedBlobError('a blob frame is a map')
  return value as Record<string, unknown>
}

function isId(v: unknown): boolean {
  return v instanceof Uint8Array && v.byteLength === ENTRY_ID_BYTES
}
