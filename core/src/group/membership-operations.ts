/**
 * The operations that change who is in a group and who may do what:
 * invite, revoke-invite, join, leave, remove, role, rekey, and a person's
 * link-device and revoke-device (create is the genesis). They are always written under the group's first epoch, whose key
 * derives from the group secret, so every member — including one who just
 * joined and holds no later key yet — can check them (and so can anyone who
 * holds an invite link: docs/keys-and-invites.md says what that tells them).
 * Decoding checks every field.
 */
import { ENTRY_ID_BYTES, EPOCH_ID_BYTES, PUBLIC_KEY_BYTES } from '../constants.ts'
import { type EpochGrant, SEALED_KEY_BYTES } from '../crypto/epoch-grant.ts'
import { MalformedOperationError } from '../errors.ts'
import { DEVICE_CERTIFICATE_BYTES } from '../identity/device-certificate.ts'
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
export type JoinOperation = { type: 'join'; memberKey: Uint8Array } & PersonClaim &
  ({ token: Uint8Array; proof: Uint8Array; inviteId?: undefined } | { inviteId: Uint8Array; token?: undefined; proof?: undefined })

/**
 * A device of a linked person that joins or creates a group says whose it
 * is: the person key and the person's certificate for it. Without these
 * the device is its own person (a person with one device).
 */
export interface PersonClaim {
  person?: Uint8Array
  certificate?: Uint8Array
}

/** Reads an optional person claim: both fields or neither. */
export function personClaim(m: Record<string, unknown>): PersonClaim {
  if (m.person === undefined && m.certificate === undefined) return {}
  return { person: bytes(m, 'person', PUBLIC_KEY_BYTES), certificate: bytes(m, 'certificate', DEVICE_CERTIFICATE_BYTES) }
}

export interface LeaveOperation {
  type: 'leave'
}

export interface RemoveOperation {
  type: 'remove'
  /** A device of the person removed: the person goes, with every device of theirs. */
  member: Uint8Array
  /** The removed member's highest seq the remover had seen: their later entries are hidden everywhere. */
  seenSeq: number
  /** The person's other devices and the highest seq the remover had seen of each (docs/devices.md). */
  also?: DeviceSeen[]
  /** The next epoch's key, for the members who remain. */
  grant: EpochGrant
  history: Uint8Array
  /** Ids of the epochs whose keys the history holds (public, so every member knows who can read what). */
  covers: Uint8Array[]
}

/** A device and the highest seq of it the writer had seen. */
export type DeviceSeen = [device: Uint8Array, seenSeq: number]

/**
 * A device of a person links another device of the same person: it becomes
 * a member as that person, with the person's role. `certificate` is the
 * person key's signature over the device and its member key
 * (identity/device-certificate.ts), checked by every member.
 */
export interface LinkDeviceOperation {
  type: 'link-device'
  device: Uint8Array
  /** The linked device's X25519 key for receiving group keys. */
  memberKey: Uint8Array
  certificate: Uint8Array
}

/**
 * The person's first device (whose key is the person key) revokes another
 * of the person's devices: it leaves every group, and a new epoch key goes
 * to everyone else, so it reads nothing written after this.
 */
export interface RevokeDeviceOperation {
  type: 'revoke-device'
  device: Uint8Array
  /** The revoked device's highest seq the writer had seen: its later entries are hidden everywhere. */
  seenSeq: number
  grant: EpochGrant
  history: Uint8Array
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
  | LinkDeviceOperation
  | RevokeDeviceOperation

export const MEMBERSHIP_TYPES: ReadonlySet<string> = new Set([
  'create',
  'invite',
  'revoke-invite',
  'join',
  'leave',
  'remove',
  'role',
  'rekey',
  'link-device',
  'revoke-device'
])

/** The operations that start a new epoch, with a grant of its key and a key history. */
export type EpochMaking = RekeyOperation | RemoveOperation | RevokeDeviceOperation

export function makesEpoch(op: { type: string }): op is EpochMaking {
  return op.type === 'rekey' || op.type === 'remove' || op.type === 'revoke-device'
}

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
      if (m.inviteId !== undefined) return { type, inviteId: bytes(m, 'inviteId', 16), memberKey: bytes(m, 'memberKey', 32), ...personClaim(m) }
      return {
        type,
        token: bytes(m, 'token', INVITE_TOKEN_BYTES),
        proof: bytes(m, 'proof', INVITE_PROOF_BYTES),
        memberKey: bytes(m, 'memberKey', 32),
        ...personClaim(m)
      }
    case 'leave':
      return { type }
    case 'remove': {
      const op: RemoveOperation = {
        type,
        member: bytes(m, 'member', PUBLIC_KEY_BYTES),
        seenSeq: seenSeq(m.seenSeq),
        grant: grant(m),
        history: history(m),
        covers: covers(m)
      }
      if (m.also !== undefined) op.also = devicesSeen(m.also)
      return op
    }
    case 'link-device':
      return {
        type,
        device: bytes(m, 'device', PUBLIC_KEY_BYTES),
        memberKey: bytes(m, 'memberKey', 32),
        certificate: bytes(m, 'certificate', DEVICE_CERTIFICATE_BYTES)
      }
    case 'revoke-device':
      return {
        type,
        device: bytes(m, 'device', PUBLIC_KEY_BYTES),
        seenSeq: seenSeq(m.seenSeq),
        grant: grant(m),
        history: history(m),
        covers: covers(m)
      }
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

function seenSeq(v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new MalformedOperationError('"seenSeq" must be a non-negative integer')
  return v
}

/** A person has at most this many devices in a group. */
export const MAX_DEVICES_PER_PERSON = 16

function devicesSeen(v: unknown): DeviceSeen[] {
  if (!Array.isArray(v) || v.length > MAX_DEVICES_PER_PERSON)
    throw new MalformedOperationError(`"also" lists at most ${MAX_DEVICES_PER_PERSON} devices`)
  return v.map((d: unknown) => {
    if (!Array.isArray(d) || d.length !== 2 || !(d[0] instanceof Uint8Array) || d[0].byteLength !== PUBLIC_KEY_BYTES)
      throw new MalformedOperationError('"also" lists [device key, seen seq] pairs')
    return [d[0], seenSeq(d[1])]
  })
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
