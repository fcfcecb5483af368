/**
 * The keep protocol (`/causette/mailbox/keep/1.0.0`): a member asks a relay
 * to keep a group, or hands it the capability of a new epoch; the relay
 * answers once and closes the stream. Both frames are CBOR arrays, decoded
 * with every field's type and size checked before use.
 *
 *   request: [1, group, capability, admins, members, earlier, topic?]
 *   answer:  [1, kept, reason, entries, bytes, maxEntries, maxBytes]
 *
 * `admins` are the device keys allowed to change the capability later (the
 * group's admins as the asker sees them), `members` the device keys the
 * relay serves the group to (its current members); `earlier` the
 * capabilities of earlier epochs and the base one (mailbox-key.ts), by
 * which the relay may know the group already and members who missed a
 * rotation still name it. `topic` is the group's gossip topic, so that the
 * relay takes part in the group's gossip (it cannot derive the topic,
 * which comes from the group secret); a relay of an earlier version is
 * sent none. Knowing the topic opens no body.
 */
import { decode, encode } from 'cborg'
import { ENTRY_ID_BYTES, PUBLIC_KEY_BYTES } from '../constants.ts'
import { MalformedSyncFrameError } from '../sync/sync-errors.ts'

export const KEEP_PROTOCOL = '/causette/mailbox/keep/1.0.0'
export const KEEP_VERSION = 1
export const MAX_KEEP_ADMINS = 256
export const MAX_KEEP_MEMBERS = 1024
export const MAX_KEEP_EARLIER = 8
export const CAPABILITY_BYTES = 32
export const MAX_KEEP_FRAME_BYTES = 64 * 1024
/** A group's gossip topic, as core names it (crypto/group-keys.ts). */
const TOPIC = /^\/causette\/group\/[0-9a-f]{32}$/

export interface KeepRequest {
  group: Uint8Array
  capability: Uint8Array
  admins: Uint8Array[]
  members: Uint8Array[]
  earlier: Uint8Array[]
  /** The group's gossip topic, for the relay to follow the group's gossip. */
  topic?: string
}

export interface KeepAnswer {
  kept: boolean
  /** Why not, in words a person understands; '' when kept. */
  reason: string
  /** What the relay holds of the group now, and its quotas. */
  entries: number
  bytes: number
  maxEntries: number
  maxBytes: number
}

export function encodeKeepRequest(r: KeepRequest): Uint8Array {
  const frame = [KEEP_VERSION, r.group, r.capability, r.admins, r.members, r.earlier]
  return encode(r.topic === undefined ? frame : [...frame, r.topic])
}

export function decodeKeepRequest(bytes: Uint8Array): KeepRequest {
  const f = fields(bytes, [6, 7], 'keep request')
  const request: KeepRequest = {
    group: byteField(f[1], ENTRY_ID_BYTES, 'group'),
    capability: byteField(f[2], CAPABILITY_BYTES, 'capability'),
    admins: list(f[3], MAX_KEEP_ADMINS, 'admins').map((a) => byteField(a, PUBLIC_KEY_BYTES, 'admin key')),
    members: list(f[4], MAX_KEEP_MEMBERS, 'members').map((m) => byteField(m, PUBLIC_KEY_BYTES, 'member key')),
    earlier: list(f[5], MAX_KEEP_EARLIER, 'earlier capabilities').map((c) => byteField(c, CAPABILITY_BYTES, 'earlier capability'))
  }
  if (f.length === 7) {
    if (typeof f[6] !== 'string' || !TOPIC.test(f[6])) throw new MalformedSyncFrameError("keep request: the topic must be a group's gossip topic")
    request.topic = f[6]
  }
  return request
}

export function encodeKeepAnswer(a: KeepAnswer): Uint8Array {
  return encode([KEEP_VERSION, a.kept, a.reason, a.entries, a.bytes, a.maxEntries, a.maxBytes])
}

export function decodeKeepAnswer(bytes: Uint8Array): KeepAnswer {
  const f = fields(bytes, [7], 'keep answer')
  if (typeof f[1] !== 'boolean') throw new MalformedSyncFrameError('keep answer: kept must be true or false')
  if (typeof f[2] !== 'string' || f[2].length > 500) throw new MalformedSyncFrameError('keep answer: the reason must be short text')
  return { kept: f[1], reason: f[2], entries: uint(f[3]), bytes: uint(f[4]), maxEntries: uint(f[5]), maxBytes: uint(f[6]) }
}

function fields(bytes: Uint8Array, counts: number[], what: string): unknown[] {
  if (bytes.byteLength > MAX_KEEP_FRAME_BYTES) throw new MalformedSyncFrameError(`${what} of ${bytes.byteLength} bytes exceeds the limit`)
  let value: unknown
  try {
    value = decode(bytes, { strict: true, allowUndefined: false, allowIndefinite: false, tags: [] })
  } catch (err) {
    throw new MalformedSyncFrameError(`${what} is not valid CBOR: ${(err as Error).message}`)
  }
  if (!Array.isArray(value) || !counts.includes(value.length))
    throw new MalformedSyncFrameError(`${what} must be an array of ${counts.join(' or ')} fields`)
  if (value[0] !== KEEP_VERSION)
    throw new MalformedSyncFrameError(`${what}: version ${String(value[0])} is not supported (this peer speaks ${KEEP_VERSION})`)
  return value
}

function byteField(v: unknown, length: number, what: string): Uint8Array {
  if (!(v instanceof Uint8Array) || v.byteLength !== length) throw new MalformedSyncFrameError(`keep frame: ${what} must be ${length} bytes`)
  return v
}

function list(v: unknown, max: number, what: string): unknown[] {
  if (!Array.isArray(v) || v.length > max) throw new MalformedSyncFrameError(`keep frame: ${what} must be a list of at most ${max}`)
  return v
}

function uint(v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw new MalformedSyncFrameError('keep answer: counts must be non-negative integers')
  return v
}
