/**
 * What is wrong with an invite link or a join by it: not a link, cut
 * short, expired, used, void or revoked, or no member reached in time.
 */
import { NotAuthorizedError } from './membership-errors.ts'

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

export class JoinTimeoutError extends Error {
  static override name = 'JoinTimeoutError'
  override name = 'JoinTimeoutError'
  constructor(message = 'Could not reach a member of the group in time to join it') {
    super(message)
  }
}
