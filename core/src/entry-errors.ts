/**
 * What is wrong with an entry's bytes or its fields: each condition the
 * codec and the log's checks reject, one class each (errors.ts re-exports
 * them with the rest).
 */

export class EntryTooLargeError extends Error {
  static override name = 'EntryTooLargeError'
  override name = 'EntryTooLargeError'
  constructor(message = 'Entry is larger than the limit') {
    super(message)
  }
}

export class TruncatedEntryError extends Error {
  static override name = 'TruncatedEntryError'
  override name = 'TruncatedEntryError'
  constructor(message = 'Entry bytes end before the entry does') {
    super(message)
  }
}

export class MalformedEntryError extends Error {
  static override name = 'MalformedEntryError'
  override name = 'MalformedEntryError'
  constructor(message = 'Entry is not a well-formed Causette entry') {
    super(message)
  }
}

export class NonCanonicalEncodingError extends Error {
  static override name = 'NonCanonicalEncodingError'
  override name = 'NonCanonicalEncodingError'
  constructor(message = 'Entry is not in its one canonical encoding') {
    super(message)
  }
}

export class UnsupportedVersionError extends Error {
  static override name = 'UnsupportedVersionError'
  override name = 'UnsupportedVersionError'
  constructor(message = 'Entry was written by an unsupported protocol version') {
    super(message)
  }
}

export class InvalidSignatureError extends Error {
  static override name = 'InvalidSignatureError'
  override name = 'InvalidSignatureError'
  constructor(message = 'Entry signature does not verify against its author key') {
    super(message)
  }
}

export class WrongGroupError extends Error {
  static override name = 'WrongGroupError'
  override name = 'WrongGroupError'
  constructor(message = 'Entry belongs to another group') {
    super(message)
  }
}

export class UnknownEpochError extends Error {
  static override name = 'UnknownEpochError'
  override name = 'UnknownEpochError'
  constructor(message = 'Entry is encrypted under a group key this device does not hold') {
    super(message)
  }
}

export class UndecryptableBodyError extends Error {
  static override name = 'UndecryptableBodyError'
  override name = 'UndecryptableBodyError'
  constructor(message = 'Entry body does not decrypt under the group key it names') {
    super(message)
  }
}

export class MalformedOperationError extends Error {
  static override name = 'MalformedOperationError'
  override name = 'MalformedOperationError'
  constructor(message = 'Entry body is not a well-formed operation') {
    super(message)
  }
}

export class InvalidChainError extends Error {
  static override name = 'InvalidChainError'
  override name = 'InvalidChainError'
  constructor(message = "Entry does not follow its author's previous entry") {
    super(message)
  }
}

export class InvalidClockError extends Error {
  static override name = 'InvalidClockError'
  override name = 'InvalidClockError'
  constructor(message = 'Entry clock is not one more than the largest clock of its parents') {
    super(message)
  }
}

export class InvalidGenesisError extends Error {
  static override name = 'InvalidGenesisError'
  override name = 'InvalidGenesisError'
  constructor(message = 'Entry is not a valid first entry of a group') {
    super(message)
  }
}

/** A peer sent an entry with its body erased before the entry's expiry: it could be stripping a live message. */
export class ErasedTooEarlyError extends Error {
  static override name = 'ErasedTooEarlyError'
  override name = 'ErasedTooEarlyError'
  constructor(message = 'Entry arrived with its body erased before its expiry') {
    super(message)
  }
}

/** A write asked to disappear that cannot: a membership operation, or an expiry in the past or beyond the longest timer. */
export class DisappearingNotAllowedError extends Error {
  static override name = 'DisappearingNotAllowedError'
  override name = 'DisappearingNotAllowedError'
  constructor(message = 'This cannot disappear') {
    super(message)
  }
}
