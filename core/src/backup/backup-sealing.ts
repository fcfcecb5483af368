/**
 * A backup's records sealed under a passphrase, and opened again: the key
 * derived (passphrase-key.ts), the header made or checked
 * (backup-header.ts), the chunks sealed or opened (sealed-chunks.ts). Bytes
 * in, bytes out: the caller reads and writes the file (a path in Node, a
 * Blob in a browser), so both make and read the same files.
 */
import { randomBytes } from '@noble/hashes/utils.js'
import { equals } from 'uint8arrays/equals'
import { BackupDamagedError, BackupTruncatedError, WrongPassphraseError } from './backup-errors.ts'
import { BACKUP_CHUNK_BYTES, type BackupHeader, encodeBackupHeader } from './backup-header.ts'
import { type DeriveFileKeys, deriveFileKeys, type FileKeys, type KdfParams, type KdfProgress, NEW_BACKUP_KDF, SALT_BYTES } from './passphrase-key.ts'
import { ChunkOpenError, ChunkOpener, ChunkSealer, NONCE_PREFIX_BYTES } from './sealed-chunks.ts'

export interface KeyDerivation {
  /** Where the key is derived: here by default; a browser passes one that runs in a worker. */
  derive?: DeriveFileKeys
  onProgress?: KdfProgress
}

/** A new backup's key, derived: `seal` then turns records into the file's bytes. */
export interface BackupSealer {
  /** The header first, then the sealed frames; forgets the key once the last frame is out (or the caller stops). */
  seal(plaintext: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array>
}

/** Derives a new backup's key from its passphrase (seconds: a memory-hard function), with a new salt and nonce prefix. */
export async function backupSealer(passphrase: string, options: KeyDerivation = {}): Promise<BackupSealer> {
  const kdf: KdfParams = { name: 'argon2id', ...NEW_BACKUP_KDF, salt: randomBytes(SALT_BYTES) }
  const keys = await (options.derive ?? deriveFileKeys)(passphrase, kdf, options.onProgress)
  const noncePrefix = randomBytes(NONCE_PREFIX_BYTES)
  const header = encodeBackupHeader(kdf, noncePrefix, keys.check)
  return {
    async *seal(plaintext) {
      const sealer = new ChunkSealer({ key: keys.key, header, noncePrefix, chunkBytes: BACKUP_CHUNK_BYTES })
      try {
        yield header
        for await (const piece of plaintext) yield* sealer.push(piece)
        yield sealer.finish()
      } finally {
        keys.key.fill(0)
      }
    }
  }
}

/** The file's keys from a passphrase; WrongPassphraseError if they are not the ones it was sealed with. */
export async function unlockBackup(what: string, header: BackupHeader, passphrase: string, options: KeyDerivation = {}): Promise<FileKeys> {
  const keys = await (options.derive ?? deriveFileKeys)(passphrase, header.kdf, options.onProgress)
  if (!equals(keys.check, header.check)) throw new WrongPassphraseError(what)
  return keys
}

/**
 * The plaintext of a backup, from the file's bytes after its header (in
 * pieces of any size); a named error as soon as something does not
 * authenticate, or at the end if the file is cut short.
 */
export async function* openBackup(what: string, header: BackupHeader, keys: FileKeys, sealed: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const opener = new ChunkOpener({ key: keys.key, header: header.bytes, noncePrefix: header.noncePrefix, chunkBytes: header.chunkBytes })
  let position = header.bytes.byteLength
  for await (const piece of sealed) {
    position += piece.byteLength
    yield* openChunks(what, position, () => opener.push(piece))
  }
  yield* openChunks(what, position, () => {
    opener.finish()
    return []
  })
}

function openChunks(what: string, position: number, work: () => Uint8Array[]): Uint8Array[] {
  try {
    return work()
  } catch (err) {
    if (!(err instanceof ChunkOpenError)) throw err
    if (err.failure.kind === 'truncated') throw new BackupTruncatedError(what, position)
    throw new BackupDamagedError(what, err.failure.detail)
  }
}
