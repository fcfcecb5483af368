/**
 * What backups, restores and bundles refuse, one class each. Callers branch
 * on `err.name`; each message says what is wrong with which file, that
 * nothing was written or changed, and what a person can do.
 */

export class WeakPassphraseError extends Error {
  static override name = 'WeakPassphraseError'
  override name = 'WeakPassphraseError'
  constructor(min: number, length: number) {
    super(
      `a backup passphrase must be at least ${min} characters, and this one has ${length}; choose a longer one (a few unrelated words are easy to remember) — nothing was written`
    )
  }
}

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

export class NotABackupError extends Error {
  static override name = 'NotABackupError'
  override name = 'NotABackupError'
  constructor(path: string, hint = 'check that you named the right file') {
    super(`${path} is not a Causette backup (it does not start like one); ${hint}; nothing was restored`)
  }
}

export class UnsupportedBackupError extends Error {
  static override name = 'UnsupportedBackupError'
  override name = 'UnsupportedBackupError'
}

export class WrongPassphraseError extends Error {
  static override name = 'WrongPassphraseError'
  override name = 'WrongPassphraseError'
  constructor(path: string) {
    super(`the passphrase does not open ${path}; check it (letters, case, spaces) and try again — nothing was restored`)
  }
}

export class BackupDamagedError extends Error {
  static override name = 'BackupDamagedError'
  override name = 'BackupDamagedError'
  constructor(path: string, detail: string) {
    super(`${path} is damaged or was changed after it was written (${detail}); nothing was restored: use another copy of the backup`)
  }
}

export class BackupTruncatedError extends Error {
  static override name = 'BackupTruncatedError'
  override name = 'BackupTruncatedError'
  constructor(path: string, bytes: number) {
    super(
      `${path} is cut short: it ends after ${bytes} bytes, before the end of the backup (an interrupted copy?); nothing was restored: use a complete copy`
    )
  }
}

/** A backup stream from the daemon, or a backup's content, that does not hold what a backup holds. */
export class BackupContentError extends Error {
  static override name = 'BackupContentError'
  override name = 'BackupContentError'
}

export class RestoreTargetInUseError extends Error {
  static override name = 'RestoreTargetInUseError'
  override name = 'RestoreTargetInUseError'
}

export class NotABundleError extends Error {
  static override name = 'NotABundleError'
  override name = 'NotABundleError'
  constructor(what: string, hint = 'check that you named the right file') {
    super(`${what} is not a Causette group bundle (it does not start like one); ${hint}; nothing was imported`)
  }
}

export class BundleDamagedError extends Error {
  static override name = 'BundleDamagedError'
  override name = 'BundleDamagedError'
  constructor(what: string, detail: string) {
    super(`${what} is damaged or was changed after it was written (${detail}); nothing was imported: make the bundle again, or use another copy`)
  }
}

export class UnsupportedBundleError extends Error {
  static override name = 'UnsupportedBundleError'
  override name = 'UnsupportedBundleError'
}

export class BundleTooLargeError extends Error {
  static override name = 'BundleTooLargeError'
  override name = 'BundleTooLargeError'
  constructor(limit: number) {
    super(`the bundle is larger than ${limit} bytes, the most one import takes; nothing was imported`)
  }
}

/** A bundle whose group this device does not hold: a bundle carries entries, never the key to join. */
export class GroupNotHeldError extends Error {
  static override name = 'GroupNotHeldError'
  override name = 'GroupNotHeldError'
  readonly group: string
  constructor(groupHex: string) {
    super(
      `this bundle holds group ${groupHex.slice(0, 12)}, which this device has not joined; join it first with an invite link from a member (\`causette join <link>\`), then import the bundle again — nothing was imported`
    )
    this.group = groupHex
  }
}
