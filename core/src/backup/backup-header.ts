/**
 * The clear start of a backup file: its magic, then a JSON header naming
 * the format's version, the key derivation and its parameters, the cipher,
 * the chunk size, the nonce prefix and the passphrase check value.
 *
 *   "causette-backup\n"                     16 bytes
 *   header length                           u16 BE
 *   header                                  JSON: version, kdf, cipher, chunkBytes, nonce, check
 *
 * The header's bytes, magic included, are the associated data of every
 * sealed chunk. Read before any passphrase is asked for, so a file that is
 * not a backup, or one of a newer format, is refused at once.
 */
import { equals } from 'uint8arrays/equals'
import { fromString } from 'uint8arrays/from-string'
import { toString as bytesToString } from 'uint8arrays/to-string'
import { BackupDamagedError, BackupTruncatedError, NotABackupError, UnsupportedBackupError } from './backup-errors.ts'
import { CHECK_BYTES, type KdfParams, kdfParamsOf } from './passphrase-key.ts'
import { NONCE_PREFIX_BYTES } from './sealed-chunks.ts'

export const BACKUP_MAGIC = new TextEncoder().encode('causette-backup\n')
export const BACKUP_VERSION = 1
/** Plaintext bytes per sealed chunk of a new backup. */
export const BACKUP_CHUNK_BYTES = 64 * 1024
const MAX_HEADER_BYTES = 4096
const START_BYTES = BACKUP_MAGIC.byteLength + 2
const BUNDLE_MAGIC_TEXT = 'causette-bundle\n'
const SQLITE_MAGIC_TEXT = 'SQLite format 3\0'

export interface BackupHeader {
  kdf: KdfParams
  chunkBytes: number
  noncePrefix: Uint8Array
  check: Uint8Array
  /** The header's bytes, magic included: every chunk's associated data. */
  bytes: Uint8Array
}

/** Reads up to `length` bytes at `offset` of a file (fewer at its end). */
export type ReadAt = (offset: number, length: number) => Promise<Uint8Array>

/** What to tell a person who gave a bundle or a database instead of a backup: each runtime says how to use that file. */
export interface NotABackupHints {
  bundle?: string
  database?: string
}

export function encodeBackupHeader(kdf: KdfParams, noncePrefix: Uint8Array, check: Uint8Array): Uint8Array {
  const json = JSON.stringify({
    version: BACKUP_VERSION,
    kdf: { name: kdf.name, t: kdf.t, m: kdf.m, p: kdf.p, salt: base64(kdf.salt) },
    cipher: 'xchacha20-poly1305',
    chunkBytes: BACKUP_CHUNK_BYTES,
    nonce: base64(noncePrefix),
    check: base64(check)
  })
  const body = new TextEncoder().encode(json)
  const bytes = new Uint8Array(START_BYTES + body.byteLength)
  bytes.set(BACKUP_MAGIC)
  new DataView(bytes.buffer).setUint16(BACKUP_MAGIC.byteLength, body.byteLength)
  bytes.set(body, START_BYTES)
  return bytes
}

/** Reads and checks a file's header; `what` names the file in errors. */
export async function readBackupHeader(what: string, readAt: ReadAt, hints: NotABackupHints = {}): Promise<BackupHeader> {
  const start = await readAt(0, START_BYTES)
  const magic = start.subarray(0, BACKUP_MAGIC.byteLength)
  if (start.byteLength < START_BYTES || !equals(magic, BACKUP_MAGIC)) throw new NotABackupError(what, hintFor(magic, hints))
  const length = new DataView(start.buffer, start.byteOffset, START_BYTES).getUint16(BACKUP_MAGIC.byteLength)
  if (length > MAX_HEADER_BYTES) throw new BackupDamagedError(what, `its header claims ${length} bytes`)
  const body = await readAt(START_BYTES, length)
  if (body.byteLength < length) throw new BackupTruncatedError(what, START_BYTES + body.byteLength)
  const bytes = new Uint8Array(START_BYTES + length)
  bytes.set(start.subarray(0, START_BYTES))
  bytes.set(body.subarray(0, length), START_BYTES)
  return headerOf(what, bytes, bytes.subarray(START_BYTES))
}

function headerOf(what: string, bytes: Uint8Array, body: Uint8Array): BackupHeader {
  let value: Record<string, unknown>
  try {
    value = JSON.parse(new TextDecoder().decode(body)) as Record<string, unknown>
  } catch {
    throw new BackupDamagedError(what, 'its header is not readable')
  }
  if (value.version !== BACKUP_VERSION) {
    throw new UnsupportedBackupError(
      `${what} is a backup of format ${String(value.version)}, which this version of Causette cannot read (it reads format ${BACKUP_VERSION}); update Causette, then restore it`
    )
  }
  if (value.cipher !== 'xchacha20-poly1305')
    throw new UnsupportedBackupError(`${what} is sealed with ${String(value.cipher)}, which this version of Causette does not know; update Causette`)
  const kdf = (value.kdf ?? {}) as Record<string, unknown>
  const salt = bytesOf(kdf.salt)
  const noncePrefix = bytesOf(value.nonce)
  const check = bytesOf(value.check)
  const chunkBytes = value.chunkBytes
  if (
    noncePrefix.byteLength !== NONCE_PREFIX_BYTES ||
    check.byteLength !== CHECK_BYTES ||
    !Number.isInteger(chunkBytes) ||
    (chunkBytes as number) < 1024 ||
    (chunkBytes as number) > 1024 * 1024
  ) {
    throw new BackupDamagedError(what, 'its header is not one Causette writes')
  }
  return { kdf: kdfParamsOf(kdf, salt), chunkBytes: chunkBytes as number, noncePrefix, check, bytes }
}

/** What to say when a file is not a backup but something a person may have mistaken for one. */
function hintFor(magic: Uint8Array, hints: NotABackupHints): string | undefined {
  const start = new TextDecoder('latin1').decode(magic)
  if (start === BUNDLE_MAGIC_TEXT) return hints.bundle ?? 'it is a group bundle: import it into a device that holds its group'
  if (start === SQLITE_MAGIC_TEXT) return hints.database ?? 'it is a database, not a backup: make a backup of the device and restore that'
  return undefined
}

function base64(bytes: Uint8Array): string {
  return bytesToString(bytes, 'base64pad')
}

/** The bytes of a base64 field; none (so the header is refused) when it is not base64. */
function bytesOf(value: unknown): Uint8Array {
  if (typeof value !== 'string') return new Uint8Array(0)
  try {
    return fromString(value, 'base64pad')
  } catch {
    return new Uint8Array(0)
  }
}
