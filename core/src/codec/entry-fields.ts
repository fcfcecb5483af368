/**
 * The fields every version of an entry starts with — version, group, author,
 * seq, prev, clock, parents, time, epoch — as types, their checks, and their
 * reading and writing in deterministic CBOR. entry-codec.ts (version 1) and
 * expiring-entry-codec.ts (version 2) add what follows.
 */
import { compare } from 'uint8arrays/compare'
import { ENTRY_ID_BYTES, EPOCH_ID_BYTES, MAX_PARENTS, MAX_TIME, PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from '../constants.ts'
import { MalformedEntryError, NonCanonicalEncodingError } from '../errors.ts'
import { type CborReader, CborWriter, MAJOR_ARRAY } from './cbor-cursor.ts'

/** The signed fields of an entry; see DESIGN.md for what each means. */
export interface EntryFields {
  /** Group id; empty in the genesis entry, whose own id is the group id. */
  group: Uint8Array
  author: Uint8Array
  seq: number
  /** Id of the author's entry seq - 1; null when seq is 1. */
  prev: Uint8Array | null
  clock: number
  /** Ids of the heads the author had seen, sorted, unique. */
  parents: Uint8Array[]
  time: number
  /** Empty for the group's first epoch, else the id of the epoch's key. */
  epoch: Uint8Array
  body: Uint8Array
  /** When set, the entry expires at this time (ms): a version 2 entry, whose body every holder erases then. */
  expires?: number
}

export interface Entry extends EntryFields {
  sig: Uint8Array
  /** sha256 of `bytes` (version 1), or of the encoding up to the signature (version 2: the same whether the body is there or erased). */
  id: Uint8Array
  /** The canonical encoding. */
  bytes: Uint8Array
  /** Version 2 only: the body was erased past the deadline (`body` is empty); the signature still verifies. */
  erased?: true
}

/** CBOR header 0x58 0x40, then the signature. */
export const SIG_SUFFIX_BYTES = 2 + SIGNATURE_BYTES
export const SIG_LENGTHS = [SIGNATURE_BYTES]
const GROUP_LENGTHS = [0, ENTRY_ID_BYTES]
const KEY_LENGTHS = [PUBLIC_KEY_BYTES]
const ID_LENGTHS = [ENTRY_ID_BYTES]
const EPOCH_LENGTHS = [0, EPOCH_ID_BYTES]

/** Writes an array header of `count` items, then the fields from the version to the epoch. */
export function writeHeader(f: EntryFields, count: number, version: number): CborWriter {
  const w = new CborWriter(160 + f.body.byteLength + f.parents.length * 34)
  w.head(MAJOR_ARRAY, count)
  w.head(0, version)
  w.bytes(f.group)
  w.bytes(f.author)
  w.head(0, f.seq)
  if (f.prev === null) w.null()
  else w.bytes(f.prev)
  w.head(0, f.clock)
  w.head(MAJOR_ARRAY, f.parents.length)
  for (const p of f.parents) w.bytes(p)
  w.head(0, f.time)
  w.bytes(f.epoch)
  return w
}

/** Reads the fields after the version, up to the epoch; `body` is left empty for the caller. */
export function readHeader(r: CborReader): EntryFields {
  const group = r.bytesOf('entry group', GROUP_LENGTHS)
  const author = r.bytesOf('entry author', KEY_LENGTHS)
  const seq = r.uint('entry seq')
  const prev = r.nullNext('entry prev') ? null : r.bytesOf('entry prev', ID_LENGTHS)
  const clock = r.uint('entry clock')
  const parentCount = r.head(MAJOR_ARRAY, 'entry parents')
  if (parentCount > MAX_PARENTS) throw new MalformedEntryError(`entry names ${parentCount} parents; the limit is ${MAX_PARENTS}`)
  const parents: Uint8Array[] = []
  for (let i = 0; i < parentCount; i++) parents.push(r.bytesOf('entry parent', ID_LENGTHS))
  const time = r.uint('entry time')
  const epoch = r.bytesOf('entry epoch', EPOCH_LENGTHS)
  return { group, author, seq, prev, clock, parents, time, epoch, body: new Uint8Array(0) }
}

export function checkFields(f: EntryFields): void {
  if (f.group.byteLength !== 0 && f.group.byteLength !== ENTRY_ID_BYTES) {
    throw new MalformedEntryError(`entry group id is ${f.group.byteLength} bytes; it must be ${ENTRY_ID_BYTES} (or empty in a genesis entry)`)
  }
  if (f.author.byteLength !== PUBLIC_KEY_BYTES) {
    throw new MalformedEntryError(`entry author key is ${f.author.byteLength} bytes; it must be ${PUBLIC_KEY_BYTES}`)
  }
  if (f.seq < 1 || !Number.isSafeInteger(f.seq)) throw new MalformedEntryError(`entry seq ${f.seq} is not a positive integer`)
  if (f.clock < 1 || !Number.isSafeInteger(f.clock)) throw new MalformedEntryError(`entry clock ${f.clock} is not a positive integer`)
  if (f.time < 0 || f.time >= MAX_TIME || !Number.isSafeInteger(f.time)) {
    throw new MalformedEntryError(`entry time ${f.time} is not a time in milliseconds since 1970`)
  }
  if ((f.seq === 1) !== (f.prev === null)) {
    throw new MalformedEntryError('entry prev must be null exactly when seq is 1')
  }
  if (f.prev !== null && f.prev.byteLength !== ENTRY_ID_BYTES) {
    throw new MalformedEntryError(`entry prev is ${f.prev.byteLength} bytes; an id is ${ENTRY_ID_BYTES}`)
  }
  if (f.parents.length > MAX_PARENTS) {
    throw new MalformedEntryError(`entry names ${f.parents.length} parents; the limit is ${MAX_PARENTS}`)
  }
  for (let i = 0; i < f.parents.length; i++) {
    const parent = f.parents[i] as Uint8Array
    if (parent.byteLength !== ENTRY_ID_BYTES) {
      throw new MalformedEntryError(`entry parent ${i} is ${parent.byteLength} bytes; an id is ${ENTRY_ID_BYTES}`)
    }
    if (i > 0 && compare(f.parents[i - 1] as Uint8Array, parent) >= 0) {
      throw new NonCanonicalEncodingError('entry parents must be sorted and unique')
    }
  }
  if (f.epoch.byteLength !== 0 && f.epoch.byteLength !== EPOCH_ID_BYTES) {
    throw new MalformedEntryError(`entry epoch is ${f.epoch.byteLength} bytes; it must be empty or ${EPOCH_ID_BYTES}`)
  }
}
