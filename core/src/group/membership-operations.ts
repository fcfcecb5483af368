/**
 * The operations that change who is in a group and who may do what:
 * invite, revoke-invite, join, leave, remove, role, rekey (create is the
 * genesis). They are always written under the group's first epoch, whose key
 * derives from the group secret, so every member — including one who just
 * joined and holds no later key yet — can check them (and so can anyone who
 * holds an invite link: docs/keys-and-invites.md says what that tells them).
 * Decoding checks every field.
 */
import { ENTRY_ID_BYTES, EPOCH_ID_BYTES, PUBLIC_KEY_BYTES } from '../constants.ts'
import { type EpochGrant, SEALED_KEY_BYTES } from '../crypto/epoch-grant.ts'
import { MalformedOperationError } from '../errors.ts'
import { INVITE_PROOF_BYTES } from '../invite/invite-key.ts'

export type Role = 'admin' | 'moderator' | 'member'
export const ROLES: readonly Role[] = ['admin', 'moderator', 'member']

export const INVITE_TOKEN_BYTES = ENTRY_ID_BYTES
const MAX_GRANT_RECIPIENTS = 2048
const MAX_HISTORY_BYTES = 48 * 1024
const MAX_COVERED_EPOCHS = 1024

export interface InviteOperation {
  type: 'invite'
  /**
   * With `signed`, the public key of the invite's key (invite/invite-key.ts),
   * which joins prove they hold; without (invites of older versions), sha256
   * of the invite id. Either way the log never shows the id itself.
   */
  token: Uint8Array
  singleUse: boolean
  expires?: number
  signed?: true
}

/** An admin voids an invite: joins that use it after this (in entry order) have no effect. */
export interface RevokeInviteOperation {
  type: 'revoke-invite'
  /** The invite's token, as its record shows it (sha256 of the id the link carries). */
  token: Uint8Array
}

/**
 * A join by a signed invite names it by its token and proves the link with
 * a signature by the invite's key over the joiner's keys, so reading the
 * join gives no one else a way in; a join by an older, unsigned invite
 * carries the invite id itself.
 */
export type JoinOperation = { type: 'join'; memberKey: Uint8Array } & (
  | { token: Uint8Array; proof: Uint8Array; inviteId?: undefined }
  | { inviteId: Uint8Array; token?: undefined; proof?: undefined }
)

export interface LeaveOperation {
  type: 'leave'
}

export interface RemoveOperation {
  type: 'remove'
  member: Uint8Array
  /** The removed member's highest seq the remover had seen: their later entries are hidden everywhere. */
  seenSeq: number
  /** The next epoch's key, for the members who remain. */
  grant: EpochGrant
  history: Uint8Array
  /** Ids of the epochs whose keys the history holds (public, so every member knows who can read what). */
  covers: Uint8Array[]
}

export interface RoleOperation {
  type: 'role'
  member: Uint8Array
  role: Role
}

export interface RekeyOperation {
  type: 'rekey'
  grant: EpochGrant
  history: Uint8Array
  /** Ids of the epochs whose keys the history holds. */
  covers: Uint8Array[]
}

export type MembershipOperation =
  | InviteOperation
  | RevokeInviteOperation
  | JoinOperation
  | LeaveOperation
  | RemoveOperation
  | RoleOperation
  | RekeyOperation

export const MEMBERSHIP_TYPES: ReadonlySet<string> = new Set(['create', 'invite', 'revoke-invite', 'join', 'leave', 'remove', 'role', 'rekey'])

export function decodeMembershipOperation(type: string, m: Record<string, unknown>): MembershipOperation | undefined {
  switch (type) {
    case 'invite': {
      const op: InviteOperation = { type, token: bytes(m, 'token', INVITE_TOKEN_BYTES), singleUse: bool(m, 'singleUse') }
      if (m.signed !== undefined) {
        if (m.signed !== true) throw new MalformedOperationError('invite "signed" is true or left out')
        op.signed = true
      }
      if (m.expires !== undefined) {
        if (typeof m.expires !== 'number' || !Number.isSafeInteger(m.expires) || m.expires < 0)
          throw new MalformedOperationError('invite "expires" must be a time in ms')
        op.expires = m.expires
      }
      return op
    }
    case 'revoke-invite':
      return { type, token: bytes(m, 'token', INVITE_TOKEN_BYTES) }
    case 'join':
      if (m.inviteId !== undefined) return { type, inviteId: bytes(m, 'inviteId', 16), memberKey: bytes(m, 'memberKey', 32) }
      return {
        type,
        token: bytes(m, 'token', INVITE_TOKEN_BYTES),
        proof: bytes(m, 'proof', INVITE_PROOF_BYTES),
        memberKey: bytes(m, 'memberKey', 32)
      }
    case 'leave':
      return { type }
    case 'remove':
      if (typeof m.seenSeq !== 'number' || !Number.isSafeInteger(m.seenSeq) || m.seenSeq < 0)
        throw new MalformedOperationError('remove "seenSeq" must be a non-negative integer')
      return { type, member: bytes(m, 'member', PUBLIC_KEY_BYTES), seenSeq: m.seenSeq, grant: grant(m), history: history(m), covers: covers(m) }
    case 'role': {
      const role = m.role
      if (typeof role !== 'string' || !ROLES.includes(role as Role)) throw new MalformedOperationError(`role must be one of ${ROLES.join(', ')}`)
      return { type, member: bytes(m, 'member', PUBLIC_KEY_BYTES), role: role as Role }
    }
    case 'rekey':
      return { type, grant: grant(m), history: history(m), covers: covers(m) }
    default:
      return undefined
  }
}

/** The wire form of a grant: [ephemeral, [sealed, ...]]. */
export function encodeGrant(g: EpochGrant): unknown[] {
  return [g.ephemeral, g.sealed]
}

function grant(m: Record<string, unknown>): EpochGrant {
  const v = m.grant
  if (!Array.isArray(v) || v.length !== 2) throw new MalformedOperationError('a grant is [ephemeral key, sealed keys]')
  const [ephemeral, sealed] = v as unknown[]
  if (!(ephemeral instanceof Uint8Array) || ephemeral.byteLength !== 32) throw new MalformedOperationError('a grant ephemeral key is 32 bytes')
  if (!Array.isArray(sealed) || sealed.length > MAX_GRANT_RECIPIENTS)
    throw new MalformedOperationError(`a grant seals a key for at most ${MAX_GRANT_RECIPIENTS} members`)
  for (const s of sealed) {
    if (!(s instanceof Uint8Array) || s.byteLength !== SEALED_KEY_BYTES)
      throw new MalformedOperationError(`a sealed key is ${SEALED_KEY_BYTES} bytes`)
  }
  return { ephemeral, sealed: sealed as Uint8Array[] }
}

function covers(m: Record<string, unknown>): Uint8Array[] {
  const v = m.covers
  if (!Array.isArray(v) || v.length > MAX_COVERED_EPOCHS) throw new MalformedOperationError(`"covers" lists at most ${MAX_COVERED_EPOCHS} epochs`)
  for (const e of v) {
    if (!(e instanceof Uint8Array) || (e.byteLength !== 0 && e.byteLength !== EPOCH_ID_BYTES))
      throw new MalformedOperationError('"covers" lists epoch ids of 0 or 16 bytes')
  }
  return v as Uint8Array[]
}

function history(m: Record<string, unknown>): Uint8Array {
  const v = m.history
  if (!(v instanceof Uint8Array) || v.byteLength > MAX_HISTORY_BYTES) throw new MalformedOperationError('a key history is at most 48 KiB of bytes')
  return v
}

function bytes(m: Record<string, unknown>, field: string, length: number): Uint8Array {
  const v = m[field]
  if (!(v instanceof Uint8Array) || v.byteLength !== length) throw new MalformedOperationError(`operation field "${field}" must be ${length} bytes`)
  return v
}

function bool(m: Record<string, unknown>, field: string): boolean {
  if (typeof m[field] !== 'boolean') throw new MalformedOperationError(`operation field "${field}" must be true or false`)
  return m[field] as boolean
}
