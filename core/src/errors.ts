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

export class ExpiredInviteError extends NotAuthorizedError {
  static override name = 'ExpiredInviteError'
  override name = 'ExpiredInviteError'
  /** The invite's token (hex), when a join by it was refused. */
  readonly invite: string | undefined
  constructor(message = 'This invite has expired: ask a member of the group for a new one', detail: { invite?: string } = {}) {
    super(message)
    this.invite = detail.invite
  }
}

export class InviteUsedError extends NotAuthorizedError {
  static override name = 'InviteUsedError'
  override name = 'InviteUsedError'
  readonly invite: string | undefined
  /** Device key (hex) of the device that used it, when known. */
  readonly usedBy: string | undefined
  constructor(
    message = 'This single-use invite has already been used: ask a member of the group for a new one',
    detail: { invite?: string; usedBy?: string } = {}
  ) {
    super(message)
    this.invite = detail.invite
    this.usedBy = detail.usedBy
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

export class InviteRevokedError extends NotAuthorizedError {
  static override name = 'InviteRevokedError'
  override name = 'InviteRevokedError'
  readonly reason: InviteVoidReason
  /** Device key (hex) of the admin who revoked it, when `reason` is 'revoked'. */
  readonly revokedBy: string | undefined
  /** The invite's token (hex), when a join by it was refused. */
  readonly invite: string | undefined
  constructor(message?: string, detail: { reason?: InviteVoidReason; revokedBy?: string; invite?: string } = {}) {
    const reason = detail.reason ?? 'maker gone'
    super(
      message ??
        (reason === 'revoked'
          ? 'This invite was revoked by an admin of the group: ask a member for a new one'
          : 'This invite is no longer valid: the member who made it has left the group. Ask a member for a new one')
    )
    this.reason = reason
    this.revokedBy = detail.revokedBy
    this.invite = detail.invite
  }
}

/** Only admins may do this; carries the action, the admins (device keys, hex) a person could ask, and the writer's role. */
export class AdminOnlyError extends NotAuthorizedError {
  static override name = 'AdminOnlyError'
  override name = 'AdminOnlyError'
  readonly action: string
  readonly admins: readonly string[]
  /** Group id (hex), when known. */
  readonly group: string | undefined
  /** The role of the device refused. */
  readonly role: string | undefined
  constructor(action: string, admins: readonly string[], detail: { group?: string; role?: string } = {}, message?: string) {
    const ask = admins.length === 0 ? 'the group has no admin left' : `ask an admin: ${admins.map((a) => a.slice(0, 8)).join(', ')}`
    super(message ?? `only admins may ${action}; ${ask}`)
    this.action = action
    this.admins = admins
    this.group = detail.group
    this.role = detail.role
  }
}

/** Only moderators and admins may do this (pin messages); carries the action, the moderators and admins (device keys, hex) a person could ask, and the writer's role. */
export class ModeratorOnlyError extends NotAuthorizedError {
  static override name = 'ModeratorOnlyError'
  override name = 'ModeratorOnlyError'
  readonly action: string
  readonly moderators: readonly string[]
  /** Group id (hex), when known. */
  readonly group: string | undefined
  /** The role of the device refused. */
  readonly role: string | undefined
  constructor(action: string, moderators: readonly string[], detail: { group?: string; role?: string } = {}) {
    const ask = moderators.length === 0 ? 'the group has none' : `ask one of them: ${moderators.map((a) => a.slice(0, 8)).join(', ')}`
    super(`only moderators and admins may ${action}; ${ask}`)
    this.action = action
    this.moderators = moderators
    this.group = detail.group
    this.role = detail.role
  }
}

/** Why a join turned out void: its invite was never recorded, not proven, revoked, made by someone gone, used, expired, or older than the device's removal. */
export type JoinVoidReason = 'unknown invite' | 'unproven' | 'revoked' | 'maker gone' | 'used' | 'expired' | 'before removal'

/** A join that did not hold: the invite it used (token, hex) and why. */
export interface JoinVoid {
  invite?: string
  reason: JoinVoidReason
}

/** A join the rules refuse for a reason no other error names (InviteRevokedError, InviteUsedError and ExpiredInviteError name theirs). */
export class InvalidJoinError extends NotAuthorizedError {
  static override name = 'InvalidJoinError'
  override name = 'InvalidJoinError'
  readonly reason: JoinVoidReason
  readonly invite: string
  constructor(reason: JoinVoidReason, invite: string, message = `this join does not hold (${reason})`) {
    super(message)
    this.reason = reason
    this.invite = invite
  }
}

/** Where a device that is not a member stands: how it went, or that it never was one. */
export type Outside = 'removed' | 'left' | 'join void' | 'not joined'

/** The device may not write here: it is not a member. Carries the group and device (hex), its standing, the action, and why its join was void. */
export class NotMemberError extends NotAuthorizedError {
  static override name = 'NotMemberError'
  override name = 'NotMemberError'
  readonly group: string
  readonly device: string
  readonly standing: Outside
  readonly action: string
  readonly voidJoin: JoinVoid | undefined
  constructor(detail: { group: string; device: string; standing: Outside; action: string; voidJoin?: JoinVoid }, message?: string) {
    const who = detail.device.slice(0, 8)
    super(
      message ??
        {
          removed: `${who} was removed from the group and can no longer ${detail.action}`,
          left: `${who} left the group and can no longer ${detail.action}`,
          'join void': `${who}'s join did not hold (${detail.voidJoin?.reason ?? 'void'}), so it is not a member and cannot ${detail.action}`,
          'not joined': `${who} is not a member of the group (a device joins with an invite), so it cannot ${detail.action}`
        }[detail.standing]
    )
    this.group = detail.group
    this.device = detail.device
    this.standing = detail.standing
    this.action = detail.action
    this.voidJoin = detail.voidJoin
  }
}

/** The change would leave a group with members but no admin, so no one could remove anyone or change roles again. */
export class LastAdminError extends NotAuthorizedError {
  static override name = 'LastAdminError'
  override name = 'LastAdminError'
  readonly group: string
  /** What this device was about to do: leave, or stop being an admin. */
  readonly change: 'leave' | 'stop being an admin'
  constructor(group: string, change: 'leave' | 'stop being an admin', message?: string) {
    super(message ?? `this device is the group's only admin: if it were to ${change}, no one could remove members or change roles again`)
    this.group = group
    this.change = change
  }
}

export class JoinTimeoutError extends Error {
  static override name = 'JoinTimeoutError'
  override name = 'JoinTimeoutError'
  constructor(message = 'Could not reach a member of the group in time to join it') {
    super(message)
  }
}
