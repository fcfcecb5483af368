/**
 * What reading or writing a backup or a group bundle refuses, one class
 * each, in core so the daemon, the CLI and the web app say the same. `what`
 * names the file as its reader knows it (a path, a file's name, "the
 * bundle"); each message says what is wrong, that nothing was written or
 * changed, and what a person can do. Callers branch on `err.name`.
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

export class NotABackupError extends Error {
  static override name = 'NotABackupError'
  override name = 'NotABackupError'
  constructor(what: string, hint = 'check that you named the right file') {
    super(`${what} is not a Causette backup (it does not start like one); ${hint}; nothing was restored`)
  }
}

export class UnsupportedBackupError extends Error {
  static override name = 'UnsupportedBackupError'
  override name = 'UnsupportedBackupError'
}

export class WrongPassphraseError extends Error {
  static override name = 'WrongPassphraseError'
  override name = 'WrongPassphraseError'
  constructor(what: string) {
    super(`the passphrase does not open ${what}; check it (letters, case, spaces) and try again — nothing was restored`)
  }
}

export class BackupDamagedError extends Error {
  static override name = 'BackupDamagedError'
  override name = 'BackupDamagedError'
  constructor(what: string, detail: string) {
    super(`${what} is damaged or was changed after it was written (${detail}); nothing was restored: use another copy of the backup`)
  }
}

export class BackupTruncatedError extends Error {
  static override name = 'BackupTruncatedError'
  override name = 'BackupTruncatedError'
  constructor(what: string, bytes: number) {
    super(
      `${what} is cut short: it ends after ${bytes} bytes, before the end of the backup (an interrupted copy?); nothing was restored: use a complete copy`
    )
  }
}

/** A backup stream from the daemon, or a backup's content, that does not hold what a backup holds. */
export class BackupContentError extends Error {
  static override name = 'BackupContentError'
  override name = 'BackupContentError'
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

/** A bundle whose group this device does not hold: a bundle carries entries, never the key to join. */
export class GroupNotHeldError extends Error {
  static override name = 'GroupNotHeldError'
  override name = 'GroupNotHeldError'
  readonly group: string
  constructor(groupHex: string, join = 'with an invite link from a member (`causette join <link>`)') {
    super(
      `this bundle holds group ${groupHex.slice(0, 12)}, which this device has not joined; join it first ${join}, then import the bundle again — nothing was imported`
    )
    this.group = groupHex
  }
}
