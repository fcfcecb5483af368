/**
 * Every condition core rejects, one class each. Callers branch on `err.name`;
 * messages say what was wrong and, where a person can act, what to do.
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

export class NotAuthorizedError extends Error {
  static override name = 'NotAuthorizedError'
  override name = 'NotAuthorizedError'
  constructor(message = 'Author is not allowed to do this in the group') {
    super(message)
  }
}

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

export class MalformedInviteError extends Error {
  static override name = 'MalformedInviteError'
  override name = 'MalformedInviteError'
  constructor(message = 'This is not a Causette invite link') {
    super(message)
  }
}

export class TruncatedInviteError extends Error {
  static override name = 'TruncatedInviteError'
  override name = 'TruncatedInviteError'
  constructor(message = 'This invite link is incomplete: it was probably cut off when copied. Ask for the whole link again') {
    super(message)
  }
}

export class ExpiredInviteError extends Error {
  static override name = 'ExpiredInviteError'
  override name = 'ExpiredInviteError'
  constructor(message = 'This invite has expired: ask a member of the group for a new one') {
    super(message)
  }
}

export class InviteUsedError extends Error {
  static override name = 'InviteUsedError'
  override name = 'InviteUsedError'
  constructor(message = 'This single-use invite has already been used: ask a member of the group for a new one') {
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

/** Why an invite no longer admits anyone: an admin revoked it, or the member who made it is no longer in the group. */
export type InviteVoidReason = 'revoked' | 'maker gone'

export class InviteRevokedError extends Error {
  static override name = 'InviteRevokedError'
  override name = 'InviteRevokedError'
  readonly reason: InviteVoidReason
  /** Device key (hex) of the admin who revoked it, when `reason` is 'revoked'. */
  readonly revokedBy: string | undefined
  constructor(message?: string, detail: { reason?: InviteVoidReason; revokedBy?: string } = {}) {
    const reason = detail.reason ?? 'maker gone'
    super(
      message ??
        (reason === 'revoked'
          ? 'This invite was revoked by an admin of the group: ask a member for a new one'
          : 'This invite is no longer valid: the member who made it has left the group. Ask a member for a new one')
    )
    this.reason = reason
    this.revokedBy = detail.revokedBy
  }
}

/** Only admins may do this; carries the action and the admins (device keys, hex) a person could ask. */
export class AdminOnlyError extends Error {
  static override name = 'AdminOnlyError'
  override name = 'AdminOnlyError'
  readonly action: string
  readonly admins: readonly string[]
  constructor(action: string, admins: readonly string[], message?: string) {
    const ask = admins.length === 0 ? 'the group has no admin left' : `ask an admin: ${admins.map((a) => a.slice(0, 8)).join(', ')}`
    super(message ?? `only admins may ${action}; ${ask}`)
    this.action = action
    this.admins = admins
  }
}

export class JoinTimeoutError extends Error {
  static override name = 'JoinTimeoutError'
  override name = 'JoinTimeoutError'
  constructor(message = 'Could not reach a member of the group in time to join it') {
    super(message)
  }
}
