/**
 * Every condition the Node runtime refuses, one class each. Callers branch on
 * `err.name`; messages say what was wrong and what a person can do about it.
 */

export class DataDirLockedError extends Error {
  static override name = 'DataDirLockedError'
  override name = 'DataDirLockedError'
  constructor(path: string, options?: ErrorOptions) {
    super(`another Causette daemon is using ${path}; stop it first (causette stop) or use another --home`, options)
  }
}

export class StoreTooNewError extends Error {
  static override name = 'StoreTooNewError'
  override name = 'StoreTooNewError'
  constructor(path: string, found: number, known: number) {
    super(`${path} was written by a newer Causette (store schema ${found}, this version knows up to ${known}); upgrade Causette to open it`)
  }
}

export class NotAStoreError extends Error {
  static override name = 'NotAStoreError'
  override name = 'NotAStoreError'
  constructor(path: string, options?: ErrorOptions) {
    super(`${path} is not a Causette database (not SQLite, or damaged); move it away or use another --home`, options)
  }
}
