/**
 * Entries that expire (disappearing messages), version 2: a CBOR array
 *
 *   [2, group, author, seq, prev, clock, parents, time, epoch, expires, bodyHash, sig, body | null]
 *
 * The author signs the first eleven (with their own domain tag) and the id
 * is the SHA-256 of the first twelve, so the body is bound only through its
 * hash. Past `expires` every holder — members and relays alike — replaces
 * the body with null: the erased entry keeps its id, its signature still
 * verifies, and it still links the DAG, so a device that was offline at the
 * deadline receives the erased entry and admits what came after it. This is
 * Matrix's redaction, made possible by signing the body's hash. `expires`
 * is in the clear so a relay that cannot read the body erases it on time.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { equals } from 'uint8arrays/equals'
import { ENTRY_ID_BYTES, MAX_DISAPPEARING_MS, MAX_ENTRY_BYTES, SIGNATURE_BYTES } from '../constants.ts'
import { EntryTooLargeError, MalformedEntryError } from '../errors.ts'
import { type CborReader, NULL } from './cbor-cursor.ts'
import { checkFields, type Entry, type EntryFields, readHeader, SIG_LENGTHS, SIG_SUFFIX_BYTES, writeHeader } from './entry-fields.ts'

export const EXPIRING_ENTRY_VERSION = 2
/** Items of the version 2 array: the signed eleven, the signature, the body. */
export const EXPIRING_FIELDS = 13
const DOMAIN = new TextEncoder().encode('causette/entry/v2\n')
const HASH_LENGTHS = [ENTRY_ID_BYTES]

export function expiringSigningPayload(fields: EntryFields): Uint8Array {
  checkExpiring(fields)
  const w = writeHeader(fields, EXPIRING_FIELDS - 2, EXPIRING_ENTRY_VERSION)
  w.head(0, fields.expires as number)
  w.bytes(sha256(fields.body))
  const out = w.finish(DOMAIN.byteLength)
  out.set(DOMAIN)
  return out
}

export function encodeExpiringEntry(fields: EntryFields, sig: Uint8Array): Entry {
  checkExpiring(fields)
  if (sig.byteLength !== SIGNATURE_BYTES) {
    throw new MalformedEntryError(`entry signature is ${sig.byteLength} bytes; it must be ${SIGNATURE_BYTES}`)
  }
  const w = writeHeader(fields, EXPIRING_FIELDS, EXPIRING_ENTRY_VERSION)
  w.head(0, fields.expires as number)
  w.bytes(sha256(fields.body))
  w.bytes(sig)
  w.bytes(fields.body)
  const bytes = w.finish()
  if (bytes.byteLength > MAX_ENTRY_BYTES) {
    throw new EntryTooLargeError(`entry is ${bytes.byteLength} bytes; the limit is ${MAX_ENTRY_BYTES} (shorten the message or send it as a file)`)
  }
  return { ...fields, sig, id: idOf(bytes, bytes.byteLength - bodyEncodingBytes(fields.body.byteLength)), bytes }
}

/** Decodes the rest of a version 2 entry, the array header read already. */
export function decodeExpiringEntry(r: CborReader, bytes: Uint8Array): Entry {
  const fields = readHeader(r)
  fields.expires = r.uint('entry expiry')
  const bodyHash = r.bytesOf('entry body hash', HASH_LENGTHS)
  const sig = r.bytesOf('entry signature', SIG_LENGTHS)
  const signedEnd = r.offset
  const erased = r.nullNext('entry body')
  if (!erased) fields.body = r.bytesOf('entry body')
  if (r.remaining !== 0) throw new MalformedEntryError(`entry is followed by ${r.remaining} stray bytes`)
  checkExpiring(fields)
  if (!erased && !equals(sha256(fields.body), bodyHash)) {
    throw new MalformedEntryError('entry body does not match the hash its author signed')
  }
  const entry: Entry = { ...fields, sig, id: idOf(bytes, signedEnd), bytes }
  if (erased) entry.erased = true
  return entry
}

/** What the author signed, recovered from the encoding (full or erased) without re-encoding. */
export function expiringSignedBytesOf(entry: Entry): Uint8Array {
  const unsignedEnd = signatureEnd(entry) - SIG_SUFFIX_BYTES
  const out = new Uint8Array(DOMAIN.byteLength + unsignedEnd)
  out.set(DOMAIN)
  // the signed array has eleven items, not thirteen
  out[DOMAIN.byteLength] = 0x80 + EXPIRING_FIELDS - 2
  out.set(entry.bytes.subarray(1, unsignedEnd), DOMAIN.byteLength + 1)
  return out
}

/** The encoding of an expiring entry with its body erased: same id, same signature, no body. */
export function erasedBytesOf(entry: Entry): Uint8Array {
  if (entry.expires === undefined) throw new MalformedEntryError('only an entry that expires (version 2) can have its body erased')
  const end = signatureEnd(entry)
  const out = new Uint8Array(end + 1)
  out.set(entry.bytes.subarray(0, end))
  out[end] = NULL
  return out
}

function signatureEnd(entry: Entry): number {
  return entry.erased === true ? entry.bytes.byteLength - 1 : entry.bytes.byteLength - bodyEncodingBytes(entry.body.byteLength)
}

/** sha256 of the twelve-item array up to the signature: the encoding's own bytes with a header saying twelve. */
function idOf(bytes: Uint8Array, signedEnd: number): Uint8Array {
  return sha256
    .create()
    .update(new Uint8Array([0x80 + EXPIRING_FIELDS - 1]))
    .update(bytes.subarray(1, signedEnd))
    .digest()
}

function bodyEncodingBytes(length: number): number {
  const head = length < 24 ? 1 : length < 0x100 ? 2 : length < 0x10000 ? 3 : 5
  return head + length
}

function checkExpiring(f: EntryFields): void {
  checkFields(f)
  const expires = f.expires as number
  if (!Number.isSafeInteger(expires) || expires <= f.time || expires - f.time > MAX_DISAPPEARING_MS) {
    throw new MalformedEntryError(
      `entry expires ${expires - f.time} ms after it was written; an entry expires after it is written and within ${MAX_DISAPPEARING_MS / 86_400_000} days`
    )
  }
}
