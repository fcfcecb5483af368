/**
 * Backups and group bundles (`@causette/core/backups`): the file formats,
 * their keys and checks, shared by the daemon, the CLI and the web app. A
 * separate entry from core's index so that a browser tab loads this code
 * (and Argon2) only when a person backs up, restores or carries a group by
 * file, not with its first screen. docs/backups.md describes the files.
 *
 * ```ts
 * import { backupRecords, backupSealer } from '@causette/core/backups'
 * const sealer = await backupSealer(passphrase) // Argon2id: about a second
 * for await (const bytes of sealer.seal(backupRecords({ deviceKey, store, settings }))) write(bytes)
 * ```
 */
export * from './backup/backup-errors.ts'
export {
  BACKUP_CHUNK_BYTES,
  BACKUP_MAGIC,
  BACKUP_VERSION,
  type BackupHeader,
  type NotABackupHints,
  type ReadAt,
  readBackupHeader
} from './backup/backup-header.ts'
export {
  type BackupAbout,
  type BackupBlocked,
  type BackupEnd,
  type BackupGroup,
  type BackupKnownPeer,
  type BackupRecord,
  type BackupSettings,
  type BackupVerification,
  decodeEntries,
  decodeJson,
  ENTRIES_RECORD_BYTES,
  encodeRecord,
  entriesRecord,
  jsonRecord,
  RECORD,
  RecordReader,
  type RecordType
} from './backup/backup-records.ts'
export {
  type GroupIntake,
  type RestoredGroup,
  type RestoreProgress,
  type RestoreSummary,
  type RestoreTarget,
  restoreRecords
} from './backup/backup-restoring.ts'
export { type BackupSealer, backupSealer, type KeyDerivation, openBackup, unlockBackup } from './backup/backup-sealing.ts'
export { backupRecords, type DeviceContent } from './backup/device-records.ts'
export {
  CHECK_BYTES,
  type DeriveFileKeys,
  deriveFileKeys,
  type FileKeys,
  type KdfParams,
  type KdfProgress,
  kdfParamsOf,
  MIN_PASSPHRASE_LENGTH,
  NEW_BACKUP_KDF,
  passphraseLength,
  SALT_BYTES
} from './backup/passphrase-key.ts'
export { ChunkOpenError, ChunkOpener, ChunkSealer, NONCE_PREFIX_BYTES, type OpenFailure } from './backup/sealed-chunks.ts'
export { checkBundleEntries, decodeBundleEntry } from './bundle/bundle-check.ts'
export { BUNDLE_HEADER_BYTES, BUNDLE_MAGIC, BUNDLE_VERSION, BundleReader, BundleWriter } from './bundle/bundle-format.ts'
export { bundleFromStore } from './bundle/store-bundle.ts'
