/**
 * Invites: everything needed to join a group with no server, in one link.
 *
 *   causette:join/<payload>            (the CLI, any app)
 *   https://<app>/#join=<payload>      (the web app; the fragment never reaches a server)
 *
 * The payload is base64url of a CBOR array [version, group id, group secret,
 * inviter key, addresses, group name, invite id, expires, single use]
 * followed by a 4-byte checksum, so a link cut short is told apart from one
 * that was never a link. A typical invite with two addresses is ~250
 * characters: a QR code of version 10 or so holds it.
 */
import { decode, encode } from 'cborg'
import { fromString } from 'uint8arrays/from-string'
import { CHECKSUM_BYTES, checksumHolds, encodeChecked } from '../codec/checked-payload.ts'
import { ENTRY_ID_BYTES, GROUP_SECRET_BYTES, MAX_NAME_LENGTH, PUBLIC_KEY_BYTES } from '../constants.ts'
import { ExpiredInviteError, MalformedInviteError, TruncatedInviteError } from '../errors.ts'

export const INVITE_VERSION = 1
export const INVITE_ID_BYTES = 16
const MAX_ADDRESSES = 8
const MAX_ADDRESS_LENGTH = 300
/**
 * Longest text read as an invite. The largest invite (eight addresses of 300
 * characters, a 200-character name) is under 5,000 characters as a link;
 * anything much longer was never an invite, and is refused before it is
 * scanned, trimmed or decoded.
 */
export const MAX_INVITE_TEXT_LENGTH = 8192
const SCHEME = 'causette:join/'
const FRAGMENT = '#join='

export interface Invite {
  groupId: Uint8Array
  secret: Uint8Array
  /** Device key of the member who made the invite. */
  inviter: Uint8Array
  /** Multiaddrs of the inviter and of relays that reach it. */
  addresses: string[]
  /** The group's name when the invite was made, to show before joining. */
  groupName: string
  /** Random id, recorded in the group log when the invite is made. */
  inviteId: Uint8Array
  /** Expiry (ms since 1970), if any. */
  expires?: number
  singleUse: boolean
}

export function encodeInvitePayload(invite: Invite): string {
  const body = encode([
    INVITE_VERSION,
    invite.groupId,
    invite.secret,
    invite.inviter,
    invite.addresses,
    invite.groupName,
    invite.inviteId,
    invite.expires ?? null,
    invite.singleUse
  ])
  return encodeChecked(body)
}

/** The link the CLI prints and any app opens. */
export function inviteLink(invite: Invite): string {
  return `${SCHEME}${encodeInvitePayload(invite)}`
}

/** The same invite for the web app, in the URL fragment. */
export function inviteWebLink(invite: Invite, appUrl: string): string {
  return `${appUrl.replace(/#.*$/, '')}${FRAGMENT}${encodeInvitePayload(invite)}`
}

/**
 * Reads an invite from a causette: link, a web link with #join=, or the bare
 * payload. Throws MalformedInviteError, TruncatedInviteError or
 * ExpiredInviteError (pass `now` to check expiry; omit it to skip the check).
 */
export function parseInvite(text: string, now?: number): Invite {
  if (text.length > MAX_INVITE_TEXT_LENGTH) {
    throw new MalformedInviteError(`this text is ${text.length} characters long; an invite link is at most ${MAX_INVITE_TEXT_LENGTH}`)
  }
  const trimmed = text.trim()
  let payload = trimmed
  if (trimmed.startsWith(SCHEME)) payload = trimmed.slice(SCHEME.length)
  else if (trimmed.includes(FRAGMENT)) payload = trimmed.slice(trimmed.indexOf(FRAGMENT) + FRAGMENT.length)
  else if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed)) {
    throw new MalformedInviteError(`"${trimmed.slice(0, 40)}" is not a Causette invite: invites start with ${SCHEME} or contain ${FRAGMENT}`)
  }
  if (payload.length === 0) throw new TruncatedInviteError()
  if (!/^[A-Za-z0-9_-]+$/.test(payload)) {
    throw new MalformedInviteError('this invite link contains characters an invite never has (was it changed, or pasted with something else?)')
  }
  let bytes: Uint8Array
  try {
    bytes = fromString(payload, 'base64url')
  } catch {
    throw new TruncatedInviteError()
  }
  if (bytes.byteLength <= CHECKSUM_BYTES) throw new TruncatedInviteError()
  const body = bytes.subarray(0, bytes.byteLength - CHECKSUM_BYTES)
  const invite = decodeBody(body, bytes)
  if (now !== undefined && invite.expires !== undefined && invite.expires <= now) {
    throw new ExpiredInviteError(`this invite expired on ${new Date(invite.expires).toISOString()}: ask a member of the group for a new one`)
  }
  return invite
}

function decodeBody(body: Uint8Array, all: Uint8Array): Invite {
  let value: unknown
  try {
    value = decode(body, { strict: true, allowUndefined: false, tags: [] })
  } catch (err) {
    // a link cut short ends inside the CBOR; anything else was never a whole invite
    if (/not enough|unexpected end|did not find/.test((err as Error).message)) throw new TruncatedInviteError()
    if (!checksumHolds(body, all)) throw new TruncatedInviteError()
    throw new MalformedInviteError(`this invite link is damaged: ${(err as Error).message}`)
  }
  if (!checksumHolds(body, all)) {
    throw new TruncatedInviteError('this invite link is incomplete or was changed (its checksum does not match): ask for the whole link again')
  }
  if (!Array.isArray(value) || value.length !== 9) throw new MalformedInviteError('this invite link does not hold an invite')
  const [version, groupId, secret, inviter, addresses, groupName, inviteId, expires, singleUse] = value as unknown[]
  if (version !== INVITE_VERSION) {
    throw new MalformedInviteError(`this invite was made by a newer Causette (invite version ${String(version)}): update Causette to use it`)
  }
  const invite: Invite = {
    groupId: field(groupId, ENTRY_ID_BYTES, 'group id'),
    secret: field(secret, GROUP_SECRET_BYTES, 'group secret'),
    inviter: field(inviter, PUBLIC_KEY_BYTES, 'inviter key'),
    addresses: addressList(addresses),
    groupName: name(groupName),
    inviteId: field(inviteId, INVITE_ID_BYTES, 'invite id'),
    singleUse: singleUse === true
  }
  if (typeof singleUse !== 'boolean') throw new MalformedInviteError('this invite link does not say whether it is single-use')
  if (expires !== null) {
    if (typeof expires !== 'number' || !Number.isSafeInteger(expires) || expires < 0)
      throw new MalformedInviteError('this invite link has a broken expiry time')
    invite.expires = expires
  }
  return invite
}

function field(v: unknown, length: number, what: string): Uint8Array {
  if (!(v instanceof Uint8Array) || v.byteLength !== length) throw new MalformedInviteError(`this invite link has a broken ${what}`)
  return v
}

function addressList(v: unknown): string[] {
  if (!Array.isArray(v) || v.length > MAX_ADDRESSES || !v.every((a) => typeof a === 'string' && a.length <= MAX_ADDRESS_LENGTH)) {
    throw new MalformedInviteError('this invite link has a broken address list')
  }
  return v as string[]
}

function name(v: unknown): string {
  if (typeof v !== 'string' || v.length > MAX_NAME_LENGTH) throw new MalformedInviteError('this invite link has a broken group name')
  return v
}

export function newInviteId(): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(INVITE_ID_BYTES))
}
