/**
 * The backup file on disk. Its format (header, sealed chunks, passphrase
 * key) is core's (core/src/backup), shared with the web app; this file
 * reads and writes it by path. A file is written to a temporary name
 * beside its destination, owner-only, fsynced, then renamed: the
 * destination is a whole backup or does not change.
 */
import {
  type BackupHeader,
  backupSealer,
  type FileKeys,
  openBackup,
  readBackupHeader as readHeader,
  unlockBackup as unlockHeader
} from '@causette/core/backups'
import { writeFileAtomically } from '../data-dir.ts'
import { openToRead } from './file-to-read.ts'

export { BACKUP_MAGIC, BACKUP_VERSION, type BackupHeader } from '@causette/core/backups'

const READ_BYTES = 256 * 1024
const HINTS = {
  bundle: 'it is a group bundle: import it with `causette import <file>` into a running daemon',
  database: 'it is a database (a data directory’s causette.db?): make a backup with `causette backup -o <file>` and restore that'
}

/** Writes a backup of `plaintext` (the records, core's backup-records.ts) to `path`, atomically, readable by its owner only. */
export async function writeBackupFile(path: string, passphrase: string, plaintext: AsyncIterable<Uint8Array>): Promise<void> {
  const sealer = await backupSealer(passphrase)
  await writeFileAtomically(path, sealer.seal(plaintext))
}

/** Reads and checks a file's header, before any passphrase is asked for. */
export async function readBackupHeader(path: string): Promise<BackupHeader> {
  const file = await openToRead(path)
  try {
    return await readHeader(
      path,
      async (offset, length) => {
        const bytes = new Uint8Array(length)
        const { bytesRead } = await file.read(bytes, 0, length, offset)
        return bytes.subarray(0, bytesRead)
      },
      HINTS
    )
  } finally {
    await file.close()
  }
}

/** The file's keys from a passphrase; WrongPassphraseError if they are not the ones it was sealed with. */
export function unlockBackup(path: string, header: BackupHeader, passphrase: string): Promise<FileKeys> {
  return unlockHeader(path, header, passphrase)
}

/** The file's plaintext, chunk by chunk; a named error as soon as something does not authenticate, or at the end if the file is cut short. */
export function openBackupFile(path: string, header: BackupHeader, keys: FileKeys): AsyncGenerator<Uint8Array> {
  return openBackup(path, header, keys, fileFrom(path, header.bytes.byteLength))
}

async function* fileFrom(path: string, start: number): AsyncGenerator<Uint8Array> {
  const file = await openToRead(path)
  let position = start
  try {
    for (;;) {
      const buffer = new Uint8Array(READ_BYTES)
      const { bytesRead } = await file.read(buffer, 0, buffer.byteLength, position)
      if (bytesRead === 0) return
      position += bytesRead
      yield buffer.subarray(0, bytesRead)
    }
  } finally {
    await file.close()
  }
}
