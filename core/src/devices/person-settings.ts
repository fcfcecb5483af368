/**
 * The person's settings one device of theirs hands a new one when linking
 * (devices/device-linking.ts): the display name, whether read receipts and
 * presence are shared, mutes, notification levels, read positions, and the
 * members verified and blocked. One format for every runtime — a daemon
 * links a tab and a tab links a daemon — as CBOR; decoding keeps what is
 * well formed and within bounds and drops the rest, since it comes from
 * another device.
 */
import { decode, encode } from 'cborg'
import { MAX_NAME_LENGTH } from '../constants.ts'

export type NotifyChoice = 'all' | 'mentions' | 'off'

export interface PersonSettings {
  name?: string
  receipts?: boolean
  presence?: boolean
  /** Per group (id, hex): muted until then (ms), or 0 for until unmuted. */
  mutes: Record<string, number>
  notify: Record<string, NotifyChoice>
  /** Per group: the newest message read (id, hex). */
  readPositions: Record<string, string>
  /** People (keys, hex) whose safety number the person compared. */
  verified: Array<{ key: string; verifiedAt: number }>
  blocked: Array<{ key: string; name?: string; blockedAt: number }>
}

const HEX_32 = /^[0-9a-f]{64}$/
const MAX_ITEMS = 10_000

export function emptyPersonSettings(): PersonSettings {
  return { mutes: {}, notify: {}, readPositions: {}, verified: [], blocked: [] }
}

export function encodePersonSettings(settings: PersonSettings): Uint8Array {
  return encode(JSON.parse(JSON.stringify(settings)))
}

export function decodePersonSettings(bytes: Uint8Array): PersonSettings {
  const out = emptyPersonSettings()
  if (bytes.byteLength === 0) return out
  let v: Record<string, unknown>
  try {
    v = decode(bytes, { strict: true, allowUndefined: false, tags: [] }) as Record<string, unknown>
  } catch {
    return out
  }
  if (typeof v !== 'object' || v === null) return out
  if (typeof v.name === 'string' && v.name.trim() !== '' && v.name.length <= MAX_NAME_LENGTH) out.name = v.name
  if (typeof v.receipts === 'boolean') out.receipts = v.receipts
  if (typeof v.presence === 'boolean') out.presence = v.presence
  for (const [group, until] of entries(v.mutes))
    if (HEX_32.test(group) && Number.isSafeInteger(until) && (until as number) >= 0) out.mutes[group] = until as number
  for (const [group, level] of entries(v.notify))
    if (HEX_32.test(group) && (level === 'all' || level === 'mentions' || level === 'off')) out.notify[group] = level
  for (const [group, id] of entries(v.readPositions))
    if (HEX_32.test(group) && typeof id === 'string' && /^[0-9a-f]{1,64}$/.test(id)) out.readPositions[group] = id
  for (const item of list(v.verified)) {
    if (HEX_32.test(String(item.key)) && Number.isSafeInteger(item.verifiedAt))
      out.verified.push({ key: item.key as string, verifiedAt: item.verifiedAt as number })
  }
  for (const item of list(v.blocked)) {
    if (!HEX_32.test(String(item.key)) || !Number.isSafeInteger(item.blockedAt)) continue
    const name = typeof item.name === 'string' && item.name.length <= MAX_NAME_LENGTH ? { name: item.name } : {}
    out.blocked.push({ key: item.key as string, blockedAt: item.blockedAt as number, ...name })
  }
  return out
}

function entries(v: unknown): Array<[string, unknown]> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.entries(v).slice(0, MAX_ITEMS) : []
}

function list(v: unknown): Array<Record<string, unknown>> {
  return Array.isArray(v) ? v.slice(0, MAX_ITEMS).filter((i): i is Record<string, unknown> => typeof i === 'object' && i !== null) : []
}
