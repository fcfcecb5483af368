/**
 * The one canonical binary form of an entry: a CBOR array
 *
 *   [version, group, author, seq, prev, clock, parents, time, epoch, body, sig]
 *
 * in deterministic CBOR (RFC 8949 §4.2: shortest integers and lengths,
 * definite lengths), parents sorted and unique, and nothing else; or, for an
 * entry that expires, version 2 (expiring-entry-codec.ts), whose body can be
 * erased. Any CBOR library reads it; this file writes and reads it by hand
 * because entries are the hot path of catch-up. Decoding checks the size
 * before anything else and every length before taking a view, and accepts
 * only the shortest form of each field, so one entry has exactly one
 * encoding and one id.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { ENTRY_VERSION, MAX_ENTRY_BYTES, SIGNATURE_BYTES } from '../constants.ts'
import { EntryTooLargeError, MalformedEntryError, UnsupportedVersionError } from '../errors.ts'
import { CborReader, MAJOR_ARRAY } from './cbor-cursor.ts'
import { checkFields, type Entry, type EntryFields, readHeader, SIG_LENGTHS, SIG_SUFFIX_BYTES, writeHeader } from './entry-fields.ts'
import {
  decodeExpiringEntry,
  EXPIRING_ENTRY_VERSION,
  EXPIRING_FIELDS,
  encodeExpiringEntry,
  expiringSignedBytesOf,
  expiringSigningPayload
} from './expiring-entry-codec.ts'

export type { Entry, EntryFields } from './entry-fields.ts'

const FIELDS = 11
const DOMAIN = new TextEncoder().encode('causette/entry/v1\n')

/** Bytes an author signs: a domain tag, then the entry encoded without its signature. */
export function signingPayload(fields: EntryFields): Uint8Array {
  if (fields.expires !== undefined) return expiringSigningPayload(fields)
  checkFields(fields)
  const writer = writeHeader(fields, FIELDS - 1, ENTRY_VERSION)
  writer.bytes(fields.body)
  const out = writer.finish(DOMAIN.byteLength)
  out.set(DOMAIN)
  return out
}

/** Encodes signed fields; the result is checked against the size limit. */
export function encodeEntry(fields: EntryFields, sig: Uint8Array): Entry {
  if (fields.expires !== undefined) return encodeExpiringEntry(fields, sig)
  checkFields(fields)
  if (sig.byteLength !== SIGNATURE_BYTES) {
    throw new MalformedEntryError(`entry signature is ${sig.byteLength} bytes; it must be ${SIGNATURE_BYTES}`)
  }
  const writer = writeHeader(fields, FIELDS, ENTRY_VERSION)
  writer.bytes(fields.body)
  writer.bytes(sig)
  const bytes = writer.finish()
  if (bytes.byteLength > MAX_ENTRY_BYTES) {
    throw new EntryTooLargeError(`entry is ${bytes.byteLength} bytes; the limit is ${MAX_ENTRY_BYTES} (shorten the message or send it as a file)`)
  }
  return { ...fields, sig, id: sha256(bytes), bytes }
}

/** SHA-256, for entry ids: noble's unless a platform injects a faster one (GroupLogInit.sha256). */
export type Sha256 = (bytes: Uint8Array) => Uint8Array

/**
 * Decodes untrusted bytes into an entry, or throws a named error saying what
 * is wrong. `id`, when given, is the SHA-256 of `bytes` the caller computed
 * already (gossip/gossip-ids.ts); otherwise it is computed here with `hash`.
 * A version 2 entry's id is always computed here.
 */
export function decodeEntry(bytes: Uint8Array, id?: Uint8Array, hash: Sha256 = sha256): Entry {
  if (bytes.byteLength > MAX_ENTRY_BYTES) {
    throw new EntryTooLargeError(`entry is ${bytes.byteLength} bytes; the limit is ${MAX_ENTRY_BYTES}`)
  }
  const r = new CborReader(bytes)
  const count = r.head(MAJOR_ARRAY, 'entry')
  if (count !== FIELDS && count !== EXPIRING_FIELDS) {
    throw new MalformedEntryError(`an entry is an array of ${FIELDS} fields (or ${EXPIRING_FIELDS} when it expires), this one has ${count}`)
  }
  const version = r.uint('entry version')
  if (version !== ENTRY_VERSION && version !== EXPIRING_ENTRY_VERSION) {
    throw new UnsupportedVersionError(
      `entry version ${version} is not supported (this device speaks versions ${ENTRY_VERSION} and ${EXPIRING_ENTRY_VERSION}; update Causette)`
    )
  }
  if ((version === ENTRY_VERSION) !== (count === FIELDS)) {
    throw new MalformedEntryError(
      `an entry of version ${version} is an array of ${version === ENTRY_VERSION ? FIELDS : EXPIRING_FIELDS} fields, this one has ${count}`
    )
  }
  if (version === EXPIRING_ENTRY_VERSION) return decodeExpiringEntry(r, bytes)
  const fields = readHeader(r)
  fields.body = r.bytesOf('entry body')
  const sig = r.bytesOf('entry signature', SIG_LENGTHS)
  if (r.remaining !== 0) throw new MalformedEntryError(`entry is followed by ${r.remaining} stray bytes`)
  checkFields(fields)
  return { ...fields, sig, id: id ?? hash(bytes), bytes }
}

/** The bytes whose signature `entry.sig` is, recovered from the canonical encoding without re-encoding. */
export function signedBytesOf(entry: Entry): Uint8Array {
  if (entry.expires !== undefined) return expiringSignedBytesOf(entry)
  const unsignedLength = entry.bytes.byteLength - SIG_SUFFIX_BYTES
  const out = new Uint8Array(DOMAIN.byteLength + unsignedLength)
  out.set(DOMAIN)
  // an array of 11 becomes an array of 10: header byte 0x8b becomes 0x8a
  out[DOMAIN.byteLength] = 0x80 + FIELDS - 1
  out.set(entry.bytes.subarray(1, unsignedLength), DOMAIN.byteLength + 1)
  return out
}
