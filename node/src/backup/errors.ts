/**
 * What backups, restores and bundles refuse, one class each (those of the
 * file formats are core's, shared with the web app). Callers branch
 * on `err.name`; each message says what is wrong with which file, that
 * nothing was written or changed, and what a person can do.
 */

export {
  BackupContentError,
  BackupDamagedError,
  BackupTruncatedError,
  BundleDamagedError,
  GroupNotHeldError,
  NotABackupError,
  NotABundleError,
  UnsupportedBackupError,
  UnsupportedBundleError,
  WeakPassphraseError,
  WrongPassphraseError
} from '@causette/core/backups'

export class PassphraseMismatchError extends Error {
  static override name = 'PassphraseMismatchError'
  override name = 'PassphraseMismatchError'
  constructor() {
    super('the two passphrases differ; nothing was written: run the command again and type the same passphrase twice')
  }
}

export class NoPassphraseError extends Error {
  static override name = 'NoPassphraseError'
  override name = 'NoPassphraseError'
}

export class NothingToBackUpError extends Error {
  static override name = 'NothingToBackUpError'
  override name = 'NothingToBackUpError'
}

/** A file named on the command line that cannot be read: missing, a directory, or not ours to read. */
export class UnreadableFileError extends Error {
  static override name = 'UnreadableFileError'
  override name = 'UnreadableFileError'
  constructor(path: string, options: { cause: unknown }) {
    const code = (options.cause as NodeJS.ErrnoException).code
    const why =
      code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' ? 'you may not read it' : code === 'EISDIR' ? 'it is a directory' : String(code)
    super(`cannot read ${path}: ${why}; check the name, and nothing was done`, options)
  }
}

export class RestoreTargetInUseError extends Error {
  static override name = 'RestoreTargetInUseError'
  override name = 'RestoreTargetInUseError'
}

export class BundleTooLargeError extends Error {
  static override name = 'BundleTooLargeError'
  override name = 'BundleTooLargeError'
  constructor(limit: number) {
    super(`the bundle is larger than ${limit} bytes, the most one import takes; nothing was imported`)
  }
}
