/**
 * The frames of `/causette/link/1.0.0`, CBOR maps, length-prefixed:
 *
 *   new → existing   hello    { proof, memberKey, name }
 *   existing → new   package  { person, personMemberKey, personGroup, certificate, personCertificate, groups, settings }  or  { refused }
 *   new → existing   done     { done: true }  or  { refused }
 *
 * Decoding checks every field and its size: the other end is untrusted
 * until the person has compared the codes.
 */
import { decode, encode } from 'cborg'
import { ENTRY_ID_BYTES, GROUP_SECRET_BYTES, MAX_NAME_LENGTH, PUBLIC_KEY_BYTES } from '../constants.ts'
import { DEVICE_CERTIFICATE_BYTES } from '../identity/device-certificate.ts'
import { MalformedDeviceLinkError } from './device-link-errors.ts'

export const LINK_PROTOCOL = '/causette/link/1.0.0'
export const MAX_LINK_FRAME_BYTES = 1024 * 1024
const MAX_GROUPS = 2000
const MAX_SETTINGS_BYTES = 512 * 1024
export const MAX_DEVICE_NAME_LENGTH = 64

export interface Hello {
  proof: Uint8Array
  memberKey: Uint8Array
  /** What the new device calls itself ("laptop", a browser's name), shown on the existing one. */
  name: string
}

export interface LinkedGroup {
  id: Uint8Array
  secret: Uint8Array
  name: string
}

export interface LinkPackage {
  person: Uint8Array
  /** The first device's X25519 key for receiving group keys, which its certificate covers. */
  personMemberKey: Uint8Array
  /** The person's own group (person-group.ts), among `groups`. */
  personGroup: Uint8Array
  /** The person's certificate for the new device. */
  certificate: Uint8Array
  /** The person's certificate for their first device, so the new one can bring it into groups it joins later. */
  personCertificate: Uint8Array
  groups: LinkedGroup[]
  /** The person's settings, in the runtime's own encoding (opaque to core). */
  settings: Uint8Array
}

export type Answer<T> = T | { refused: string }

function decodeMap(bytes: Uint8Array): Record<string, unknown> {
  let value: unknown
  try {
    value = decode(bytes, { strict: true, allowUndefined: false, rejectDuplicateMapKeys: true, tags: [] })
  } catch (err) {
    throw new MalformedDeviceLinkError(`the other device sent a broken frame: ${(err as Error).message}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array)
    throw new MalformedDeviceLinkError('the other device sent a broken frame')
  return value as Record<string, unknown>
}

function bytes(m: Record<string, unknown>, field: string, length: number): Uint8Array {
  const v = m[field]
  if (!(v instanceof Uint8Array) || v.byteLength !== length) throw new MalformedDeviceLinkError(`the other device sent a broken "${field}"`)
  return v
}

function text(m: Record<string, unknown>, field: string, max: number): string {
  const v = m[field]
  if (typeof v !== 'string' || v.length > max) throw new MalformedDeviceLinkError(`the other device sent a broken "${field}"`)
  return v
}

function refusal(m: Record<string, unknown>): { refused: string } | undefined {
  return m.refused === undefined ? undefined : { refused: text(m, 'refused', 500) }
}

export const encodeHello = (hello: Hello): Uint8Array => encode(hello)

export function decodeHello(frame: Uint8Array): Hello {
  const m = decodeMap(frame)
  return { proof: bytes(m, 'proof', 32), memberKey: bytes(m, 'memberKey', 32), name: text(m, 'name', MAX_DEVICE_NAME_LENGTH) }
}

export function encodePackage(answer: Answer<LinkPackage>): Uint8Array {
  if ('refused' in answer) return encode(answer)
  return encode({ ...answer, groups: answer.groups.map((g) => [g.id, g.secret, g.name]) })
}

export function decodePackage(frame: Uint8Array): Answer<LinkPackage> {
  const m = decodeMap(frame)
  const refused = refusal(m)
  if (refused !== undefined) return refused
  const groups = m.groups
  if (!Array.isArray(groups) || groups.length > MAX_GROUPS) throw new MalformedDeviceLinkError('the other device sent a broken group list')
  const settings = m.settings
  if (!(settings instanceof Uint8Array) || settings.byteLength > MAX_SETTINGS_BYTES)
    throw new MalformedDeviceLinkError('the other device sent broken settings')
  return {
    person: bytes(m, 'person', PUBLIC_KEY_BYTES),
    personMemberKey: bytes(m, 'personMemberKey', 32),
    personGroup: bytes(m, 'personGroup', ENTRY_ID_BYTES),
    certificate: bytes(m, 'certificate', DEVICE_CERTIFICATE_BYTES),
    personCertificate: bytes(m, 'personCertificate', DEVICE_CERTIFICATE_BYTES),
    groups: groups.map((g: unknown) => {
      if (!Array.isArray(g) || g.length !== 3) throw new MalformedDeviceLinkError('the other device sent a broken group')
      const [id, secret, name] = g as unknown[]
      return { ...groupField({ id, secret }), name: text({ name }, 'name', MAX_NAME_LENGTH) }
    }),
    settings
  }
}

function groupField(g: { id: unknown; secret: unknown }): { id: Uint8Array; secret: Uint8Array } {
  return { id: bytes(g, 'id', ENTRY_ID_BYTES), secret: bytes(g, 'secret', GROUP_SECRET_BYTES) }
}

export const encodeDone = (answer: Answer<{ done: true }>): Uint8Array => encode(answer)

export function decodeDone(frame: Uint8Array): Answer<{ done: true }> {
  const m = decodeMap(frame)
  const refused = refusal(m)
  if (refused !== undefined) return refused
  if (m.done !== true) throw new MalformedDeviceLinkError('the other device did not say it is done')
  return { done: true }
}
