/**
 * The backup file: a header in the clear, then the backup's records sealed
 * in chunks (sealed-chunks.ts) under a key derived from the passphrase
 * (passphrase-key.ts).
 *
 *   "causette-backup\n"                     16 bytes
 *   header length                           u16 BE
 *   header                                  JSON: version, kdf, cipher, chunkBytes, nonce, check
 *   frames                                  [flag][u32 BE length][sealed chunk] ...
 *
 * The header is the associated data of every chunk. A file is written to a
 * temporary name beside its destination, owner-only, fsynced, then renamed:
 * the destination is a whole backup or does not change.
 */
import { randomBytes } from 'node:crypto'
import { open } from 'node:fs/promises'
import { BUNDLE_MAGIC } from '../bundle/bundle-format.ts'
import { writeFileAtomically } from '../data-dir.ts'
import { BackupDamagedError, BackupTruncatedError, NotABackupError, UnsupportedBackupError, WrongPassphraseError } from './errors.ts'
import { openToRead } from './file-to-read.ts'
import { CHECK_BYTES, deriveFileKeys, type FileKeys, type KdfParams, kdfParamsOf, NEW_BACKUP_KDF, SALT_BYTES } from './passphrase-key.ts'
import { ChunkOpenError, ChunkOpener, ChunkSealer, NONCE_PREFIX_BYTES } from './sealed-chunks.ts'

export const BACKUP_MAGIC = new TextEncoder().encode('causette-backup\n')
export const BACKUP_VERSION = 1
const CHUNK_BYTES = 64 * 1024
const MAX_HEADER_BYTES = 4096
const SQLITE_MAGIC = new TextEncoder().encode('SQLite format 3\0')
const READ_BYTES = 256 * 1024

export interface BackupHeader {
  kdf: KdfParams
  chunkBytes: number
  noncePrefix: Uint8Array
  check: Uint8Array
  /** The header's bytes, magic included: every chunk's associated data. */
  bytes: Uint8Array
}

/** Writes a backup of `plaintext` (the records, backup-records.ts) to `path`, atomically, readable by its owner only. */
export async function writeBackupFile(path: string, passphrase: string, plaintext: AsyncIterable<Uint8Array>): Promise<void> {
  const kdf: KdfParams = { name: 'argon2id', ...NEW_BACKUP_KDF, salt: randomBytes(SALT_BYTES) }
  const keys = await deriveFileKeys(passphrase, kdf)
  const noncePrefix = randomBytes(NONCE_PREFIX_BYTES)
  const header = encodeHeader(kdf, noncePrefix, keys.check)
  const sealer = new ChunkSealer({ key: keys.key, header, noncePrefix, chunkBytes: CHUNK_BYTES })
  async function* sealed(): AsyncGenerator<Uint8Array> {
    yield header
    for await (const piece of plaintext) yield* sealer.push(piece)
    yield sealer.finish()
  }
  try {
    await writeFileAtomically(path, sealed())
  } finally {
    keys.key.fill(0)
  }
}

function encodeHeader(kdf: KdfParams, noncePrefix: Uint8Array, check: Uint8Array): Uint8Array {
  const json = JSON.stringify({
    version: BACKUP_VERSION,
    kdf: { name: kdf.name, t: kdf.t, m: kdf.m, p: kdf.p, salt: base64(kdf.salt) },
    cipher: 'xchacha20-poly1305',
    chunkBytes: CHUNK_BYTES,
    nonce: base64(noncePrefix),
    check: base64(check)
  })
  const body = new TextEncoder().encode(json)
  const bytes = new Uint8Array(BACKUP_MAGIC.byteLength + 2 + body.byteLength)
  bytes.set(BACKUP_MAGIC)
  new DataView(bytes.buffer).setUint16(BACKUP_MAGIC.byteLength, body.byteLength)
  bytes.set(body, BACKUP_MAGIC.byteLength + 2)
  return bytes
}

/** Reads and checks a file's header, before any passphrase is asked for. */
export async function readBackupHeader(path: string): Promise<BackupHeader> {
  const file = await openToRead(path)
  try {
    const start = Buffer.alloc(BACKUP_MAGIC.byteLength + 2)
    const { bytesRead } = await file.read(start, 0, start.byteLength, 0)
    const magic = start.subarray(0, BACKUP_MAGIC.byteLength)
    if (bytesRead < start.byteLength || !magic.equals(BACKUP_MAGIC)) throw new NotABackupError(path, hintFor(magic))
    const length = start.readUInt16BE(BACKUP_MAGIC.byteLength)
    if (length > MAX_HEADER_BYTES) throw new BackupDamagedError(path, `its header claims ${length} bytes`)
    const body = Buffer.alloc(length)
    if ((await file.read(body, 0, length, start.byteLength)).bytesRead < length) throw new BackupTruncatedError(path, start.byteLength + bytesRead)
    return headerOf(path, Buffer.concat([start, body]), body)
  } finally {
    await file.close()
  }
}

function headerOf(path: string, bytes: Uint8Array, body: Buffer): BackupHeader {
  let value: Record<string, unknown>
  try {
    value = JSON.parse(body.toString('utf8')) as Record<string, unknown>
  } catch {
    throw new BackupDamagedError(path, 'its header is not readable')
  }
  if (value.version !== BACKUP_VERSION) {
    throw new UnsupportedBackupError(
      `${path} is a backup of format ${String(value.version)}, which this version of Causette cannot read (it reads format ${BACKUP_VERSION}); update Causette, then restore it`
    )
  }
  if (value.cipher !== 'xchacha20-poly1305')
    throw new UnsupportedBackupError(`${path} is sealed with ${String(value.cipher)}, which this version of Causette does not know; update Causette`)
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
    throw new BackupDamagedError(path, 'its header is not one Causette writes')
  }
  return { kdf: kdfParamsOf(kdf, salt), chunkBytes: chunkBytes as number, noncePrefix, check, bytes }
}

/** The file's keys from a passphrase; WrongPassphraseError if they are not the ones it was sealed with. */
export async function unlockBackup(path: string, header: BackupHeader, passphrase: string): Promise<FileKeys> {
  const keys = await deriveFileKeys(passphrase, header.kdf)
  if (!Buffer.from(keys.check).equals(Buffer.from(header.check))) throw new WrongPassphraseError(path)
  return keys
}

/** The file's plaintext, chunk by chunk; a named error as soon as something does not authenticate, or at the end if the file is cut short. */
export async function* openBackupFile(path: string, header: BackupHeader, keys: FileKeys): AsyncGenerator<Uint8Array> {
  const opener = new ChunkOpener({ key: keys.key, header: header.bytes, noncePrefix: header.noncePrefix, chunkBytes: header.chunkBytes })
  const file = await open(path, 'r')
  let position = header.bytes.byteLength
  try {
    const buffer = Buffer.alloc(READ_BYTES)
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.byteLength, position)
      if (bytesRead === 0) break
      position += bytesRead
      yield* openChunks(path, position, () => opener.push(Uint8Array.prototype.slice.call(buffer, 0, bytesRead)))
    }
    yield* openChunks(path, position, () => {
      opener.finish()
      return []
    })
  } finally {
    await file.close()
  }
}

function openChunks(path: string, position: number, work: () => Uint8Array[]): Uint8Array[] {
  try {
    return work()
  } catch (err) {
    if (!(err instanceof ChunkOpenError)) throw err
    if (err.failure.kind === 'truncated') throw new BackupTruncatedError(path, position)
    throw new BackupDamagedError(path, err.failure.detail)
  }
}

/** What to say when a file is not a backup but something a person may have mistaken for one. */
function hintFor(magic: Uint8Array): string | undefined {
  const start = Buffer.from(magic)
  if (start.equals(Buffer.from(BUNDLE_MAGIC))) return 'it is a group bundle: import it with `causette import <file>` into a running daemon'
  if (start.equals(Buffer.from(SQLITE_MAGIC)))
    return 'it is a database (a data directory’s causette.db?): make a backup with `causette backup -o <file>` and restore that'
  return undefined
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64')
}

function bytesOf(value: unknown): Uint8Array {
  return typeof value === 'string' ? new Uint8Array(Buffer.from(value, 'base64')) : new Uint8Array(0)
}
