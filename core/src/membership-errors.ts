/**
 * What a member may not do, and where a device stands outside a group:
 * refusals by role (admins only, moderators only, the last admin), joins
 * that do not hold, writing while not a member.
 */

export class NotAuthorizedError extends Error {
  static override name = 'NotAuthorizedError'
  override name = 'NotAuthorizedError'
  constructor(message = 'Author is not allowed to do this in the group') {
    super(message)
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
