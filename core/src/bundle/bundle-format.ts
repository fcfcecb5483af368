/**
 * A group bundle: a group's entries in a file, to carry between devices
 * that never share a network. Not encrypted (each entry's body already is,
 * end to end), but framed and checksummed so a damaged or cut file is
 * refused whole:
 *
 *   "causette-bundle\n"        16 bytes
 *   version                    u8 (1)
 *   group id                   32 bytes
 *   entries                    [u32 BE length][entry] ..., in the log's order (parents first)
 *   end                        u32 0
 *   count                      u32 BE: how many entries
 *   checksum                   SHA-256 of every byte before it
 *
 * Both directions stream: BundleWriter makes the bytes from pages of
 * entries, BundleReader takes bytes in pieces of any size and hands out the
 * entries as they complete, checking the end and the checksum last. Pure
 * JavaScript, so the daemon and a browser tab make and read the same bytes.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { concat } from 'uint8arrays/concat'
import { equals } from 'uint8arrays/equals'
import { BundleDamagedError, NotABundleError, UnsupportedBundleError } from '../backup/backup-errors.ts'
import { ENTRY_ID_BYTES, MAX_ENTRY_BYTES } from '../constants.ts'

export const BUNDLE_MAGIC = new TextEncoder().encode('causette-bundle\n')
const BACKUP_MAGIC_TEXT = 'causette-backup\n'
export const BUNDLE_VERSION = 1
/** Magic, version and group id. */
export const BUNDLE_HEADER_BYTES = BUNDLE_MAGIC.byteLength + 1 + ENTRY_ID_BYTES
const CHECKSUM_BYTES = 32
const TRAILER_BYTES = 4 + CHECKSUM_BYTES

/** The bytes of a bundle, a piece per page of entries. */
export class BundleWriter {
  private readonly hash = sha256.create()
  private count = 0

  header(groupId: Uint8Array): Uint8Array {
    const bytes = new Uint8Array(BUNDLE_HEADER_BYTES)
    bytes.set(BUNDLE_MAGIC)
    bytes[BUNDLE_MAGIC.byteLength] = BUNDLE_VERSION
    bytes.set(groupId, BUNDLE_MAGIC.byteLength + 1)
    return this.hashed(bytes)
  }

  entries(page: readonly Uint8Array[]): Uint8Array {
    const bytes = new Uint8Array(page.reduce((n, e) => n + 4 + e.byteLength, 0))
    const view = new DataView(bytes.buffer)
    let at = 0
    for (const entry of page) {
      view.setUint32(at, entry.byteLength)
      bytes.set(entry, at + 4)
      at += 4 + entry.byteLength
    }
    this.count += page.length
    return this.hashed(bytes)
  }

  /** The end marker, the count and the checksum. */
  end(): Uint8Array {
    const tail = new Uint8Array(8)
    new DataView(tail.buffer).setUint32(4, this.count)
    this.hashed(tail)
    return concat([tail, this.hash.digest()])
  }

  private hashed(bytes: Uint8Array): Uint8Array {
    this.hash.update(bytes)
    return bytes
  }
}

/**
 * Reads a bundle from pieces of any size; `what` names it in errors (its
 * file, or "the bundle"), `backupHint` says what to do with a backup given
 * instead (each runtime has its own way to restore one).
 */
export class BundleReader {
  /** Set once the header has been read. */
  groupId?: Uint8Array
  /** Entries read so far. */
  count = 0
  private readonly what: string
  private readonly backupHint: string
  private readonly hash = sha256.create()
  private buffer: Uint8Array = new Uint8Array(0)
  private offset = 0
  private state: 'header' | 'entries' | 'trailer' | 'done' = 'header'

  constructor(what: string, options: { backupHint?: string } = {}) {
    this.what = what
    this.backupHint = options.backupHint ?? 'it is a backup: restore it with `causette restore <file>` into a new data directory'
  }

  /** The entries completed by these bytes. */
  push(bytes: Uint8Array): Uint8Array[] {
    // a copy: callers reuse their read buffer, and what is left here waits for the next piece
    this.buffer = this.buffer.byteLength === 0 ? bytes.slice() : concat([this.buffer, bytes])
    const entries: Uint8Array[] = []
    for (;;) {
      if (this.state === 'done') {
        if (this.buffer.byteLength > 0) this.damaged(`bytes follow its checksum, at byte ${this.offset}`)
        return entries
      }
      if (this.state === 'header') {
        if (this.buffer.byteLength < BUNDLE_HEADER_BYTES) return entries
        this.readHeader(this.take(BUNDLE_HEADER_BYTES))
        continue
      }
      if (this.state === 'trailer') {
        if (this.buffer.byteLength < TRAILER_BYTES) return entries
        this.readTrailer(this.take(TRAILER_BYTES, false))
        continue
      }
      if (this.buffer.byteLength < 4) return entries
      const length = new DataView(this.buffer.buffer, this.buffer.byteOffset, 4).getUint32(0)
      if (length > MAX_ENTRY_BYTES) this.damaged(`an entry at byte ${this.offset} claims ${length} bytes, more than an entry may hold`)
      if (length === 0) {
        this.take(4)
        this.state = 'trailer'
        continue
      }
      if (this.buffer.byteLength < 4 + length) return entries
      entries.push(this.take(4 + length).subarray(4))
      this.count++
    }
  }

  /** At the end of the input: a bundle cut short is refused. */
  finish(): void {
    if (this.state === 'header' && this.offset + this.buffer.byteLength < BUNDLE_MAGIC.byteLength) throw new NotABundleError(this.what)
    if (this.state !== 'done') this.damaged(`it ends after ${this.offset + this.buffer.byteLength} bytes, before its end: it was cut short`)
  }

  /** A copy of the next bytes: an entry handed out must not hold the buffer it came in. */
  private take(bytes: number, hashed = true): Uint8Array {
    const taken = this.buffer.slice(0, bytes)
    this.buffer = this.buffer.subarray(bytes)
    this.offset += bytes
    if (hashed) this.hash.update(taken)
    return taken
  }

  private readHeader(header: Uint8Array): void {
    const magic = header.subarray(0, BUNDLE_MAGIC.byteLength)
    if (!equals(magic, BUNDLE_MAGIC)) {
      const backup = new TextDecoder('latin1').decode(magic) === BACKUP_MAGIC_TEXT
      throw new NotABundleError(this.what, backup ? this.backupHint : undefined)
    }
    const version = header[BUNDLE_MAGIC.byteLength]
    if (version !== BUNDLE_VERSION) {
      throw new UnsupportedBundleError(
        `${this.what} is a bundle of format ${version}, which this version of Causette cannot read (it reads format ${BUNDLE_VERSION}); update Causette, then import it — nothing was imported`
      )
    }
    this.groupId = new Uint8Array(header.subarray(BUNDLE_MAGIC.byteLength + 1))
    this.state = 'entries'
  }

  private readTrailer(trailer: Uint8Array): void {
    const count = new DataView(trailer.buffer, trailer.byteOffset, 4).getUint32(0)
    this.hash.update(trailer.subarray(0, 4))
    if (!equals(this.hash.digest(), trailer.subarray(4))) this.damaged('its checksum does not match its content')
    if (count !== this.count) this.damaged(`it says it holds ${count} entries but ${this.count} were read`)
    this.state = 'done'
  }

  private damaged(detail: string): never {
    throw new BundleDamagedError(this.what, detail)
  }
}
