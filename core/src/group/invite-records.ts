/**
 * The invites a group's log records, and the rules a join by invite must
 * meet: recorded, proven (a signature by the invite's key: invite-key.ts),
 * made by someone still a member, not revoked by an admin, not expired when
 * the join was written, and, if single-use, unused. The log holds only each
 * invite's token (the invite's public key; the hash of its id for invites of
 * older versions), so it never shows a link.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { fromHex, toHex } from '../codec/hex.ts'
import { ExpiredInviteError, InvalidJoinError, InviteRevokedError, InviteUsedError, type JoinVoid, NotAuthorizedError } from '../errors.ts'
import { checkInviteProof, invitePublicKey } from '../invite/invite-key.ts'
import { compareOrder, type Ordered } from '../log/order.ts'
import type { InviteOperation, JoinOperation, RevokeInviteOperation, Role } from './membership-operations.ts'

export interface InviteInfo {
  /** Device key (hex) of the member who made it. */
  by: string
  singleUse: boolean
  expires?: number
  /** Joins must prove the link (false only for invites of older versions, whose joins show the id). */
  signed: boolean
  /** The device that used it last. */
  usedBy?: string
  /** The entry that recorded it. */
  at: Ordered & { time: number }
  /** The admin who revoked it, and the revocation entry. */
  revoked?: { by: string; at: Ordered }
}

/** Whether an invite can be used: 'unknown' until its record has arrived; 'void' once its maker is gone. */
export type InviteStatus = 'usable' | 'unknown' | 'used' | 'void' | 'revoked'

/** An invite as a list shows it: its token (hex) and its record. */
export interface InviteView extends InviteInfo {
  token: string
}

interface Roster {
  members: ReadonlyMap<string, { role: Role }>
  invites: ReadonlyMap<string, InviteInfo>
}

/** The invites map with `op` recorded, made by `author`. */
export function recordInvite({ invites }: Roster, author: string, op: InviteOperation, at: InviteInfo['at']): ReadonlyMap<string, InviteInfo> {
  const token = toHex(op.token)
  if (invites.has(token)) throw new NotAuthorizedError('this invite is already recorded in the group')
  const invite: InviteInfo = {
    by: author,
    singleUse: op.singleUse,
    signed: op.signed === true,
    at,
    ...(op.expires === undefined ? {} : { expires: op.expires })
  }
  return new Map(invites).set(token, invite)
}

/** The invites map with the invite `op` names revoked by `author`, whom the caller checked is an admin. */
export function revokeInvite(roster: Roster, author: string, op: RevokeInviteOperation, at: Ordered): ReadonlyMap<string, InviteInfo> {
  const token = toHex(op.token)
  const invite = roster.invites.get(token)
  if (invite === undefined) throw new NotAuthorizedError(`no invite ${token.slice(0, 8)} is recorded in the group, so it cannot be revoked`)
  if (invite.revoked !== undefined) throw new NotAuthorizedError(`invite ${token.slice(0, 8)} was already revoked`)
  return new Map(roster.invites).set(token, { ...invite, revoked: { by: author, at } })
}

/** The invite a join by `joiner` written at `time` uses, if the join may use it; throws the rule it breaks otherwise. */
export function checkJoin(roster: Roster, op: JoinOperation, joiner: string, time: number): { token: string; invite: InviteInfo } {
  const token = op.inviteId === undefined ? toHex(op.token) : legacyToken(op.inviteId)
  const invite = roster.invites.get(token)
  if (invite === undefined) throw new InvalidJoinError('unknown invite', token, 'the invite this join uses is not recorded in the group')
  if (invite.signed && op.proof === undefined) {
    throw new InvalidJoinError('unproven', token, 'a join by this invite must prove the link with its key, not show its id')
  }
  if (op.proof !== undefined && !proven(op, joiner)) {
    throw new InvalidJoinError(
      'unproven',
      token,
      "this join's proof of the invite link does not hold for its author: it was not made with the link's key"
    )
  }
  if (invite.revoked !== undefined) {
    throw new InviteRevokedError(`invite ${token.slice(0, 8)} was revoked by ${invite.revoked.by.slice(0, 8)}, an admin, before this join`, {
      reason: 'revoked',
      revokedBy: invite.revoked.by,
      invite: token
    })
  }
  if (!roster.members.has(invite.by)) {
    throw new InviteRevokedError('the member who made this invite is no longer in the group, so the invite is void', {
      reason: 'maker gone',
      invite: token
    })
  }
  if (invite.singleUse && invite.usedBy !== undefined) {
    throw new InviteUsedError(`this single-use invite was already used by ${invite.usedBy.slice(0, 8)}`, { invite: token, usedBy: invite.usedBy })
  }
  if (invite.expires !== undefined && time > invite.expires) {
    throw new ExpiredInviteError('this invite had expired when the join was written', { invite: token })
  }
  return { token, invite }
}

/** Which invite a refused join used and why it did not hold, read from the error checkJoin threw; undefined for other refusals. */
export function voidJoinOf(err: unknown): JoinVoid | undefined {
  if (err instanceof InvalidJoinError) return { invite: err.invite, reason: err.reason }
  const invite = (err as { invite?: string }).invite
  const at = invite === undefined ? {} : { invite }
  if (err instanceof InviteRevokedError) return { ...at, reason: err.reason }
  if (err instanceof InviteUsedError) return { ...at, reason: 'used' }
  if (err instanceof ExpiredInviteError) return { ...at, reason: 'expired' }
  return undefined
}

/** The token (hex) naming the invite whose link carries `inviteId`: what its record, lists and revocations show. */
export function inviteToken(inviteId: Uint8Array): string {
  return toHex(invitePublicKey(inviteId))
}

/** The token of an invite recorded by an older version: the hash of its id. */
function legacyToken(inviteId: Uint8Array): string {
  return toHex(sha256(inviteId))
}

/** The record of the invite whose link carries `inviteId`, and its token, if the log holds it. */
export function findInvite(roster: Pick<Roster, 'invites'>, inviteId: Uint8Array): { token: string; invite: InviteInfo } | undefined {
  for (const token of [inviteToken(inviteId), legacyToken(inviteId)]) {
    const invite = roster.invites.get(token)
    if (invite !== undefined) return { token, invite }
  }
  return undefined
}

/** Verdicts on join proofs, by operation: a replay of the membership (every merge of branches) checks each join again. */
const proofs = new WeakMap<JoinOperation, boolean>()
/**
 * Verdicts by what was checked — token, proof, joiner and member key — for
 * the same join decoded again (read back from the store, or by each log of
 * the group that one process holds: a simulation's peers, a test's
 * replicas). An Ed25519 check is a millisecond of noble's; the verdict of
 * the same bytes cannot change. The most recent VERDICTS_KEPT are kept.
 */
const verdicts = new Map<string, boolean>()
const VERDICTS_KEPT = 1024

function proven(op: JoinOperation & { proof: Uint8Array; token: Uint8Array }, joiner: string): boolean {
  let verdict = proofs.get(op)
  if (verdict === undefined) {
    const checked = `${toHex(op.token)}${toHex(op.proof)}${joiner}${toHex(op.memberKey)}`
    verdict = verdicts.get(checked)
    if (verdict === undefined) {
      verdict = checkInviteProof(op.token, op.proof, fromHex(joiner), op.memberKey)
      if (verdicts.size >= VERDICTS_KEPT) verdicts.delete(verdicts.keys().next().value as string)
      verdicts.set(checked, verdict)
    }
    proofs.set(op, verdict)
  }
  return verdict
}

/** Whether a join by `joiner` could use the invite with this id now. */
export function inviteStatus(roster: Roster, inviteId: Uint8Array, joiner: string): InviteStatus {
  const invite = findInvite(roster, inviteId)?.invite
  if (invite === undefined) return 'unknown'
  if (invite.revoked !== undefined) return 'revoked'
  if (invite.singleUse && invite.usedBy !== undefined && invite.usedBy !== joiner) return 'used'
  if (!roster.members.has(invite.by)) return 'void'
  return 'usable'
}

/** Whether an invite recorded after `since` could still bring someone in. */
export function usableInviteSince(roster: Roster, since: Ordered): boolean {
  for (const invite of roster.invites.values()) {
    if (compareOrder(invite.at, since) <= 0 || invite.revoked !== undefined) continue
    if (!(invite.singleUse && invite.usedBy !== undefined) && roster.members.has(invite.by)) return true
  }
  return false
}

/** Every recorded invite, oldest first. */
export function listInvites(invites: ReadonlyMap<string, InviteInfo>): InviteView[] {
  return [...invites].map(([token, info]) => ({ token, ...info })).sort((a, b) => compareOrder(a.at, b.at))
}
