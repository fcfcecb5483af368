/**
 * Every condition core rejects, one class each. Callers branch on `err.name`;
 * messages say what was wrong and, where a person can act, what to do.
 */

export * from './entry-errors.ts'
export * from './invite-errors.ts'
export * from './membership-errors.ts'

export class InvalidKeyError extends Error {
  static override name = 'InvalidKeyError'
  override name = 'InvalidKeyError'
  constructor(message = 'Key bytes are not a valid Ed25519 key') {
    super(message)
  }
}

export class InvalidArgumentError extends Error {
  static override name = 'InvalidArgumentError'
  override name = 'InvalidArgumentError'
  constructor(message = 'Invalid argument') {
    super(message)
  }
}

export class StoreClosedError extends Error {
  static override name = 'StoreClosedError'
  override name = 'StoreClosedError'
  constructor(message = 'The store is closed') {
    super(message)
  }
}

export class UnknownGroupError extends Error {
  static override name = 'UnknownGroupError'
  override name = 'UnknownGroupError'
  constructor(message = 'This device is not in that group') {
    super(message)
  }
}

export class GroupNotSyncedError extends Error {
  static override name = 'GroupNotSyncedError'
  override name = 'GroupNotSyncedError'
  constructor(message = "This group's history has not arrived yet: stay connected to a member until it has synced, then try again") {
    super(message)
  }
}

export class EpochKeyMissingError extends Error {
  static override name = 'EpochKeyMissingError'
  override name = 'EpochKeyMissingError'
  constructor(message = 'This device has not received the group key yet: it arrives as soon as a member who holds it is online') {
    super(message)
  }
}
