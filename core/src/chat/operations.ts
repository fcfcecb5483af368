/**
 * Operations: the plaintext inside an entry body. Each is a CBOR map with a
 * `type`. Decoding checks every field a known type uses and says which one is
 * wrong; unknown types decode as `UnknownOperation`, which the view ignores,
 * so newer clients can add operations without older ones rejecting the log.
 */
import { decode, encode } from 'cborg'
import { ENTRY_ID_BYTES, MAX_EMOJI_LENGTH, MAX_MENTIONS, MAX_NAME_LENGTH, MAX_TEXT_LENGTH, MAX_TOPIC_LENGTH, PUBLIC_KEY_BYTES } from '../constants.ts'
import { MalformedOperationError } from '../errors.ts'
import { decodeMembershipOperation, encodeGrant, type MembershipOperation } from '../group/membership-operations.ts'

export interface CreateGroupOperation {
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
  text: string
  replyTo?: Uint8Array
  mentions?: Uint8Array[]
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

export interface MetadataOperation {
  type: 'metadata'
  name?: string
  topic?: string
  description?: string
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
  | MetadataOperation
  | ReadMarkerOperation
  | UnknownOperation

export function encodeOperation(op: Operation): Uint8Array {
  if (op.type === 'unknown') throw new MalformedOperationError('an unknown operation cannot be written')
  // validate before writing, so a bad local call fails here and not on every peer
  const wire = op.type === 'remove' || op.type === 'rekey' ? { ...op, grant: encodeGrant(op.grant) } : op
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
      return { type, name: text(m, 'name', MAX_NAME_LENGTH), memberKey: bytesField(m, 'memberKey', 32) }
    case 'profile': {
      const displayName = text(m, 'displayName', MAX_NAME_LENGTH)
      if (displayName.trim().length === 0) throw new MalformedOperationError('a display name cannot be empty')
      return { type, displayName }
    }
    case 'message': {
      const op: MessageOperation = { type, text: text(m, 'text', MAX_TEXT_LENGTH) }
      if (m.replyTo !== undefined) op.replyTo = bytesField(m, 'replyTo', ENTRY_ID_BYTES)
      if (m.mentions !== undefined) op.mentions = keyList(m, 'mentions')
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
    case 'metadata': {
      const op: MetadataOperation = { type }
      if (m.name !== undefined) op.name = text(m, 'name', MAX_NAME_LENGTH)
      if (m.topic !== undefined) op.topic = text(m, 'topic', MAX_TOPIC_LENGTH)
      if (m.description !== undefined) op.description = text(m, 'description', MAX_TOPIC_LENGTH)
      if (op.name === undefined && op.topic === undefined && op.description === undefined) {
        throw new MalformedOperationError('a metadata operation changes at least one of name, topic, description')
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

function stripUndefined(op: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(op).filter(([, v]) => v !== undefined))
}
