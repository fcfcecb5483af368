/**
 * The one canonical binary form of an entry: a CBOR array
 *
 *   [version, group, author, seq, prev, clock, parents, time, epoch, body, sig]
 *
 * in deterministic CBOR (RFC 8949 §4.2: shortest integers and lengths,
 * definite lengths), parents sorted and unique, and nothing else. Any CBOR
 * library reads it; this file writes and reads it by hand because entries are
 * the hot path of catch-up. Decoding checks the size before anything else and
 * every length before taking a view, and accepts only the shortest form of
 * each field, so one entry has exactly one encoding and one id.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { compare } from 'uint8arrays/compare'
import {
  ENTRY_ID_BYTES,
  ENTRY_VERSION,
  EPOCH_ID_BYTES,
  MAX_ENTRY_BYTES,
  MAX_PARENTS,
  MAX_TIME,
  PUBLIC_KEY_BYTES,
  SIGNATURE_BYTES
} from '../constants.ts'
import { EntryTooLargeError, MalformedEntryError, NonCanonicalEncodingError, UnsupportedVersionError } from '../errors.ts'
import { CborReader, CborWriter, MAJOR_ARRAY } from './cbor-cursor.ts'

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
}

export interface Entry extends EntryFields {
  sig: Uint8Array
  /** sha256 of `bytes`. */
  id: Uint8Array
  /** The canonical encoding. */
  bytes: Uint8Array
}

const FIELDS = 11
const SIG_SUFFIX_BYTES = 2 + SIGNATURE_BYTES // CBOR header 0x58 0x40, then the signature
const DOMAIN = new TextEncoder().encode('causette/entry/v1\n')
const GROUP_LENGTHS = [0, ENTRY_ID_BYTES]
const KEY_LENGTHS = [PUBLIC_KEY_BYTES]
const ID_LENGTHS = [ENTRY_ID_BYTES]
const EPOCH_LENGTHS = [0, EPOCH_ID_BYTES]
const SIG_LENGTHS = [SIGNATURE_BYTES]

/** Bytes an author signs: a domain tag, then the entry encoded without its signature. */
export function signingPayload(fields: EntryFields): Uint8Array {
  checkFields(fields)
  const writer = writeFields(fields, FIELDS - 1)
  const out = writer.finish(DOMAIN.byteLength)
  out.set(DOMAIN)
  return out
}

/** Encodes signed fields; the result is checked against the size limit. */
export function encodeEntry(fields: EntryFields, sig: Uint8Array): Entry {
  checkFields(fields)
  if (sig.byteLength !== SIGNATURE_BYTES) {
    throw new MalformedEntryError(`entry signature is ${sig.byteLength} bytes; it must be ${SIGNATURE_BYTES}`)
  }
  const writer = writeFields(fields, FIELDS)
  writer.bytes(sig)
  const bytes = writer.finish()
  if (bytes.byteLength > MAX_ENTRY_BYTES) {
    throw new EntryTooLargeError(`entry is ${bytes.byteLength} bytes; the limit is ${MAX_ENTRY_BYTES} (shorten the message or send it as a file)`)
  }
  return { ...fields, sig, id: sha256(bytes), bytes }
}

/**
 * Decodes untrusted bytes into an entry, or throws a named error saying what
 * is wrong. `id`, when given, is the SHA-256 of `bytes` the caller computed
 * already (gossip/gossip-ids.ts).
 */
export function decodeEntry(bytes: Uint8Array, id?: Uint8Array): Entry {
  if (bytes.byteLength > MAX_ENTRY_BYTES) {
    throw new EntryTooLargeError(`entry is ${bytes.byteLength} bytes; the limit is ${MAX_ENTRY_BYTES}`)
  }
  const r = new CborReader(bytes)
  const count = r.head(MAJOR_ARRAY, 'entry')
  if (count !== FIELDS) throw new MalformedEntryError(`an entry is an array of ${FIELDS} fields, this one has ${count}`)
  const version = r.uint('entry version')
  if (version !== ENTRY_VERSION) {
    throw new UnsupportedVersionError(`entry version ${version} is not supported (this device speaks version ${ENTRY_VERSION}; update Causette)`)
  }
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
  const body = r.bytesOf('entry body')
  const sig = r.bytesOf('entry signature', SIG_LENGTHS)
  if (r.remaining !== 0) throw new MalformedEntryError(`entry is followed by ${r.remaining} stray bytes`)
  const fields: EntryFields = { group, author, seq, prev, clock, parents, time, epoch, body }
  checkFields(fields)
  return { ...fields, sig, id: id ?? sha256(bytes), bytes }
}

/** The bytes whose signature `entry.sig` is, recovered from the canonical encoding without re-encoding. */
export function signedBytesOf(entry: Entry): Uint8Array {
  const unsignedLength = entry.bytes.byteLength - SIG_SUFFIX_BYTES
  const out = new Uint8Array(DOMAIN.byteLength + unsignedLength)
  out.set(DOMAIN)
  // an array of 11 becomes an array of 10: header byte 0x8b becomes 0x8a
  out[DOMAIN.byteLength] = 0x80 + FIELDS - 1
  out.set(entry.bytes.subarray(1, unsignedLength), DOMAIN.byteLength + 1)
  return out
}

function writeFields(f: EntryFields, count: number): CborWriter {
  const w = new CborWriter(160 + f.body.byteLength + f.parents.length * 34)
  w.head(MAJOR_ARRAY, count)
  w.head(0, ENTRY_VERSION)
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
  w.bytes(f.body)
  return w
}

function checkFields(f: EntryFields): void {
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
