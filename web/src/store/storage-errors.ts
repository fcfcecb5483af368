/**
 * The failures of the browser's storage that a person must see, one class
 * each, with a message that says what happened and what to do. The store
 * turns IndexedDB's own errors into these (`storageErrorOf`); callers
 * branch on `err.name`.
 */

export class StorageFullError extends Error {
  static override name = 'StorageFullError'
  override name = 'StorageFullError'
  constructor(
    message = "Your browser refused to store more for Causette: the disk is full or this site's storage quota is used up. Free some space or allow more storage; nothing of this change was saved."
  ) {
    super(message)
  }
}

export class StoreTooNewError extends Error {
  static override name = 'StoreTooNewError'
  override name = 'StoreTooNewError'
  /** The version of the database in this browser, when it could be read. */
  readonly found: number | undefined
  readonly known: number
  constructor(found: number | undefined, known: number) {
    const version = found === undefined ? '' : ` (its data is at version ${found}, this one knows up to ${known})`
    super(
      `Causette's data in this browser was written by a newer version of Causette${version}. Open the newer version, or reload this page to get it; nothing was changed.`
    )
    this.found = found
    this.known = known
  }
}

/** What a person is told for an error IndexedDB gave: StorageFullError for a refused quota, else the error itself. */
export function storageErrorOf(err: unknown): unknown {
  if (err instanceof DOMException && err.name === 'QuotaExceededError') return new StorageFullError()
  // Chromium's newer QuotaExceededError is its own class, still named so
  if (err instanceof Error && err.name === 'QuotaExceededError') return new StorageFullError()
  return err
}
