/**
 * Operations: the plaintext inside an entry body. Each is a CBOR map with a
 * `type`. Decoding checks every field a known type uses and says which one is
 * wrong; unknown types decode as `UnknownOperation`, which the view ignores,
 * so newer clients can add operations without older ones rejecting the log.
 */
import { decode, encode } from 'cborg'
import { ENTRY_ID_BYTES, MAX_EMOJI_LENGTH, MAX_NAME_LENGTH, MAX_TEXT_LENGTH, MAX_TOPIC_LENGTH } from '../constants.ts'
import { type DeviceNameOperation, decodeDeviceName } from '../devices/device-name.ts'
import { type DeviceNoteOperation, decodeDeviceNote } from '../devices/device-note.ts'
import { decodePersonSetting, type PersonSettingOperation } from '../devices/person-setting.ts'
import { MalformedOperationError } from '../errors.ts'
import {
  decodeMembershipOperation,
  encodeGrant,
  type MembershipOperation,
  makesEpoch,
  type PersonClaim,
  personClaim
} from '../group/membership-operations.ts'
import { bytesField, choiceList, fileList, keyList, pollSpec, text, timerSeconds } from './operation-fields.ts'

export interface CreateGroupOperation extends PersonClaim {
  type: 'create'
  name: string
  /** The creator's X25519 key for receiving group keys. */
  memberKey: Uint8Array
}

export interface ProfileOperation {
  type: 'profile'
  /** How the author wants to be called in this group. */
  displayName: string
}

export interface MessageOperation {
  type: 'message'
  /** A poll's question, when `poll` is set. */
  text: string
  replyTo?: Uint8Array
  mentions?: Uint8Array[]
  /** Makes the message a poll (chat/polls.ts); a client that does not know polls shows its question. */
  poll?: PollSpec
  /** Files it carries (blob/blob-format.ts); its text is their caption, possibly empty. */
  files?: FileRef[]
}

/** A file as a message carries it: what to show before a byte is fetched, and what fetches and opens it. */
export interface FileRef {
  name: string
  /** A media type, e.g. image/jpeg; '' when unknown. */
  type: string
  size: number
  /** The id of its manifest blob. */
  root: Uint8Array
  /** The key its blobs are sealed under: only who reads the message reads the file. */
  key: Uint8Array
  /** An image's or a video's placeholder (a ThumbHash, a few dozen bytes), shown until it arrives. */
  thumb?: Uint8Array
  width?: number
  height?: number
  /** A voice note's or a video's length (ms). */
  duration?: number
}

/** What a poll offers: 2 to 10 options, one choice or several. */
export interface PollSpec {
  options: string[]
  multiple: boolean
}

export interface EditOperation {
  type: 'edit'
  target: Uint8Array
  text: string
}

export interface DeleteOperation {
  type: 'delete'
  target: Uint8Array
}

export interface ReactionOperation {
  type: 'reaction'
  target: Uint8Array
  emoji: string
  /** true adds the reaction, false takes it back. */
  add: boolean
}

/** Pins a message (`pinned` true) or unpins it; counts only from a moderator or an admin. */
export interface PinOperation {
  type: 'pin'
  target: Uint8Array
  pinned: boolean
}

/** A member's choice in a poll: option indexes (0-based), ascending, none to withdraw; the latest of each member counts. */
export interface VoteOperation {
  type: 'vote'
  poll: Uint8Array
  choices: number[]
}

/** Closes a poll: votes after it in entry order do not count. Counts only from the poll's author or an admin. */
export interface ClosePollOperation {
  type: 'close-poll'
  poll: Uint8Array
}

export interface MetadataOperation {
  type: 'metadata'
  name?: string
  topic?: string
  description?: string
  /** The group's disappearing-message timer in seconds: 0 turns it off (chat/disappearing.ts). */
  disappearing?: number
}

export interface ReadMarkerOperation {
  type: 'read'
  /** The newest message the author has read. */
  upTo: Uint8Array
}

export interface UnknownOperation {
  type: 'unknown'
  /** The type name a newer client wrote. */
  wireType: string
}

export type Operation =
  | CreateGroupOperation
  | MembershipOperation
  | ProfileOperation
  | MessageOperation
  | EditOperation
  | DeleteOperation
  | ReactionOperation
  | PinOperation
  | VoteOperation
  | ClosePollOperation
  | MetadataOperation
  | ReadMarkerOperation
  | DeviceNoteOperation
  | DeviceNameOperation
  | PersonSettingOperation
  | UnknownOperation

export function encodeOperation(op: Operation): Uint8Array {
  if (op.type === 'unknown') throw new MalformedOperationError('an unknown operation cannot be written')
  // validate before writing, so a bad local call fails here and not on every peer
  const wire = makesEpoch(op) ? { ...op, grant: encodeGrant(op.grant) } : op
  const bytes = encode(stripUndefined(wire))
  decodeOperation(bytes)
  return bytes
}

export function decodeOperation(bytes: Uint8Array): Operation {
  let value: unknown
  try {
    value = decode(bytes, { strict: true, allowUndefined: false, rejectDuplicateMapKeys: true, tags: [] })
  } catch (err) {
    throw new MalformedOperationError(`entry body is not valid CBOR: ${(err as Error).message}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw new MalformedOperationError('an operation is a map')
  }
  const m = value as Record<string, unknown>
  const type = m.type
  if (typeof type !== 'string') throw new MalformedOperationError('an operation needs a string "type"')
  switch (type) {
    case 'create':
      return { type, name: text(m, 'name', MAX_NAME_LENGTH), memberKey: bytesField(m, 'memberKey', 32), ...personClaim(m) }
    case 'profile': {
      const displayName = text(m, 'displayName', MAX_NAME_LENGTH)
      if (displayName.trim().length === 0) throw new MalformedOperationError('a display name cannot be empty')
      return { type, displayName }
    }
    case 'message': {
      const op: MessageOperation = { type, text: text(m, 'text', MAX_TEXT_LENGTH) }
      if (m.replyTo !== undefined) op.replyTo = bytesField(m, 'replyTo', ENTRY_ID_BYTES)
      if (m.mentions !== undefined) op.mentions = keyList(m, 'mentions')
      if (m.poll !== undefined) op.poll = pollSpec(m.poll)
      if (m.files !== undefined) op.files = fileList(m.files)
      return op
    }
    case 'edit':
      return { type, target: bytesField(m, 'target', ENTRY_ID_BYTES), text: text(m, 'text', MAX_TEXT_LENGTH) }
    case 'delete':
      return { type, target: bytesField(m, 'target', ENTRY_ID_BYTES) }
    case 'reaction': {
      if (typeof m.add !== 'boolean') throw new MalformedOperationError('reaction "add" must be true or false')
      const emoji = text(m, 'emoji', MAX_EMOJI_LENGTH)
      if (emoji.length === 0) throw new MalformedOperationError('reaction "emoji" is empty')
      return { type, target: bytesField(m, 'target', ENTRY_ID_BYTES), emoji, add: m.add }
    }
    case 'pin':
      if (typeof m.pinned !== 'boolean') throw new MalformedOperationError('pin "pinned" must be true or false')
      return { type, target: bytesField(m, 'target', ENTRY_ID_BYTES), pinned: m.pinned }
    case 'vote':
      return { type, poll: bytesField(m, 'poll', ENTRY_ID_BYTES), choices: choiceList(m.choices) }
    case 'close-poll':
      return { type, poll: bytesField(m, 'poll', ENTRY_ID_BYTES) }
    case 'metadata': {
      const op: MetadataOperation = { type }
      if (m.name !== undefined) op.name = text(m, 'name', MAX_NAME_LENGTH)
      if (m.topic !== undefined) op.topic = text(m, 'topic', MAX_TOPIC_LENGTH)
      if (m.description !== undefined) op.description = text(m, 'description', MAX_TOPIC_LENGTH)
      if (m.disappearing !== undefined) op.disappearing = timerSeconds(m.disappearing)
      if (op.name === undefined && op.topic === undefined && op.description === undefined && op.disappearing === undefined) {
        throw new MalformedOperationError('a metadata operation changes at least one of name, topic, description, disappearing')
      }
      return op
    }
    case 'read':
      return { type, upTo: bytesField(m, 'upTo', ENTRY_ID_BYTES) }
    case 'device-note':
      return decodeDeviceNote(m)
    case 'device-name':
      return decodeDeviceName(m)
    case 'person-setting':
      return decodePersonSetting(m)
    default:
      return decodeMembershipOperation(type, m) ?? { type: 'unknown', wireType: type }
  }
}

function stripUndefined(op: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(op).filter(([, v]) => v !== undefined))
}
