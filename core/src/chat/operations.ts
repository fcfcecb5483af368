/**
 * Operations: the plaintext inside an entry body. Each is a CBOR map with a
 * `type`. Decoding checks every field a known type uses and says which one is
 * wrong; unknown types decode as `UnknownOperation`, which the view ignores,
 * so newer clients can add operations without older ones rejecting the log.
 */
import { decode, encode } from 'cborg'
import {
  ENTRY_ID_BYTES,
  MAX_DISAPPEARING_MS,
  MAX_EMOJI_LENGTH,
  MAX_FILE_NAME_LENGTH,
  MAX_FILE_SIZE,
  MAX_FILE_TYPE_LENGTH,
  MAX_FILES_PER_MESSAGE,
  MAX_MENTIONS,
  MAX_NAME_LENGTH,
  MAX_POLL_OPTION_LENGTH,
  MAX_POLL_OPTIONS,
  MAX_TEXT_LENGTH,
  MAX_THUMB_BYTES,
  MAX_TOPIC_LENGTH,
  MIN_GROUP_TIMER_S,
  MIN_POLL_OPTIONS,
  PUBLIC_KEY_BYTES
} from '../constants.ts'
import { MalformedOperationError } from '../errors.ts'
import {
  decodeMembershipOperation,
  encodeGrant,
  type MembershipOperation,
  makesEpoch,
  type PersonClaim,
  personClaim
} from '../group/membership-operations.ts'

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
    default:
      return decodeMembershipOperation(type, m) ?? { type: 'unknown', wireType: type }
  }
}

function text(m: Record<string, unknown>, field: string, max: number): string {
  const v = m[field]
  if (typeof v !== 'string') throw new MalformedOperationError(`operation field "${field}" must be text`)
  if (v.length > max) throw new MalformedOperationError(`operation field "${field}" is ${v.length} characters; the limit is ${max}`)
  return v
}

function bytesField(m: Record<string, unknown>, field: string, length: number): Uint8Array {
  const v = m[field]
  if (!(v instanceof Uint8Array) || v.byteLength !== length) {
    throw new MalformedOperationError(`operation field "${field}" must be ${length} bytes`)
  }
  return v
}

function keyList(m: Record<string, unknown>, field: string): Uint8Array[] {
  const v = m[field]
  if (!Array.isArray(v) || v.length > MAX_MENTIONS) {
    throw new MalformedOperationError(`operation field "${field}" must be a list of at most ${MAX_MENTIONS} keys`)
  }
  for (const key of v) {
    if (!(key instanceof Uint8Array) || key.byteLength !== PUBLIC_KEY_BYTES) {
      throw new MalformedOperationError(`operation field "${field}" must hold ${PUBLIC_KEY_BYTES}-byte keys`)
    }
  }
  return v as Uint8Array[]
}

function pollSpec(v: unknown): PollSpec {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) {
    throw new MalformedOperationError('message field "poll" must be a map of options and multiple')
  }
  const p = v as Record<string, unknown>
  if (typeof p.multiple !== 'boolean') throw new MalformedOperationError('poll "multiple" must be true or false')
  const options = p.options
  if (!Array.isArray(options) || options.length < MIN_POLL_OPTIONS || options.length > MAX_POLL_OPTIONS) {
    throw new MalformedOperationError(`poll "options" must be a list of ${MIN_POLL_OPTIONS} to ${MAX_POLL_OPTIONS} texts`)
  }
  for (const option of options) {
    if (typeof option !== 'string' || option.trim().length === 0 || option.length > MAX_POLL_OPTION_LENGTH) {
      throw new MalformedOperationError(`each poll option must be text of 1 to ${MAX_POLL_OPTION_LENGTH} characters, not blank`)
    }
  }
  return { options: options as string[], multiple: p.multiple }
}

/** Option indexes, strictly ascending: one way to write each choice, so two votes that mean the same are equal. */
function choiceList(v: unknown): number[] {
  if (!Array.isArray(v) || v.length > MAX_POLL_OPTIONS) {
    throw new MalformedOperationError(`vote "choices" must be a list of at most ${MAX_POLL_OPTIONS} option indexes`)
  }
  let last = -1
  for (const choice of v) {
    if (!Number.isInteger(choice) || (choice as number) <= last || (choice as number) >= MAX_POLL_OPTIONS) {
      throw new MalformedOperationError(`vote "choices" must be option indexes from 0 to ${MAX_POLL_OPTIONS - 1}, ascending, each once`)
    }
    last = choice as number
  }
  return v as number[]
}

/** The files of a message: 1 to MAX_FILES_PER_MESSAGE, each with every field checked. */
function fileList(v: unknown): FileRef[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_FILES_PER_MESSAGE) {
    throw new MalformedOperationError(`message "files" must list 1 to ${MAX_FILES_PER_MESSAGE} files`)
  }
  return v.map((f): FileRef => {
    if (typeof f !== 'object' || f === null || Array.isArray(f) || f instanceof Uint8Array) throw new MalformedOperationError('each file is a map')
    const m = f as Record<string, unknown>
    const ref: FileRef = {
      name: text(m, 'name', MAX_FILE_NAME_LENGTH),
      type: text(m, 'type', MAX_FILE_TYPE_LENGTH),
      size: wholeNumber(m, 'size', MAX_FILE_SIZE),
      root: bytesField(m, 'root', ENTRY_ID_BYTES),
      key: bytesField(m, 'key', 32)
    }
    if (ref.name.trim() === '') throw new MalformedOperationError('a file needs a name')
    if (m.thumb !== undefined) {
      if (!(m.thumb instanceof Uint8Array) || m.thumb.byteLength > MAX_THUMB_BYTES) {
        throw new MalformedOperationError(`a file's "thumb" is at most ${MAX_THUMB_BYTES} bytes`)
      }
      ref.thumb = m.thumb
    }
    if (m.width !== undefined) ref.width = wholeNumber(m, 'width', 65_535)
    if (m.height !== undefined) ref.height = wholeNumber(m, 'height', 65_535)
    if (m.duration !== undefined) ref.duration = wholeNumber(m, 'duration', 86_400_000)
    return ref
  })
}

function wholeNumber(m: Record<string, unknown>, field: string, max: number): number {
  const v = m[field]
  if (!Number.isSafeInteger(v) || (v as number) < 0 || (v as number) > max) {
    throw new MalformedOperationError(`operation field "${field}" must be a whole number from 0 to ${max}`)
  }
  return v as number
}

/** A group timer: 0 (off), or 5 minutes to 4 weeks, in whole seconds. */
function timerSeconds(v: unknown): number {
  if (v === 0) return 0
  if (!Number.isInteger(v) || (v as number) < MIN_GROUP_TIMER_S || (v as number) * 1000 > MAX_DISAPPEARING_MS) {
    throw new MalformedOperationError(
      `metadata "disappearing" must be 0 (off) or whole seconds from ${MIN_GROUP_TIMER_S} (5 minutes) to ${MAX_DISAPPEARING_MS / 1000} (4 weeks)`
    )
  }
  return v as number
}

function stripUndefined(op: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(op).filter(([, v]) => v !== undefined))
}
