/**
 * The person's settings a new device of theirs receives when linked: the
 * display name, whether read receipts and presence are shared, mutes,
 * notification levels and read positions, the members verified and those
 * blocked. Device-specific settings (ports, relays, this device's own name)
 * stay behind. Encoded as CBOR; what is taken is checked like any input
 * from another device.
 */
import { decode, encode } from 'cborg'
import type { DaemonTables } from '../store/daemon-tables.ts'

const PERSON_SETTING = /^(name|receipts|presence|mute:[0-9a-f]{64}|notify:[0-9a-f]{64}|read-position:[0-9a-f]{64})$/
const HEX_KEY = /^[0-9a-f]{64}$/
const MAX_ITEMS = 10_000
const MAX_VALUE_LENGTH = 500

interface Carried {
  settings: Record<string, string>
  verified: Array<{ key: string; fingerprint: string; name?: string; verifiedAt: number }>
  blocked: Array<{ key: string; name?: string; blockedAt: number }>
}

export function exportPersonSettings(tables: Pick<DaemonTables, 'settings' | 'verifiedMembers' | 'blockList'>): Uint8Array {
  const settings = Object.fromEntries(Object.entries(tables.settings.all()).filter(([name]) => PERSON_SETTING.test(name)))
  const carried: Carried = { settings, verified: tables.verifiedMembers.list(), blocked: tables.blockList.list() }
  return encode(JSON.parse(JSON.stringify(carried)))
}

/** Takes the settings another device of the person handed over; returns the blocked keys, for the peer to refuse. Malformed items are skipped. */
export function importPersonSettings(bytes: Uint8Array, tables: Pick<DaemonTables, 'settings' | 'verifiedMembers' | 'blockList'>): string[] {
  if (bytes.byteLength === 0) return tables.blockList.keys()
  let value: Partial<Carried>
  try {
    value = decode(bytes, { strict: true, allowUndefined: false, tags: [] }) as Partial<Carried>
  } catch {
    return tables.blockList.keys()
  }
  const text = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_VALUE_LENGTH
  for (const [name, setting] of Object.entries(value.settings ?? {}).slice(0, MAX_ITEMS)) {
    if (PERSON_SETTING.test(name) && text(setting)) tables.settings.set(name, setting)
  }
  for (const v of (Array.isArray(value.verified) ? value.verified : []).slice(0, MAX_ITEMS)) {
    if (HEX_KEY.test(String(v?.key)) && text(v.fingerprint) && Number.isSafeInteger(v.verifiedAt))
      tables.verifiedMembers.put({ key: v.key, fingerprint: v.fingerprint, verifiedAt: v.verifiedAt, ...(text(v.name) ? { name: v.name } : {}) })
  }
  for (const b of (Array.isArray(value.blocked) ? value.blocked : []).slice(0, MAX_ITEMS)) {
    if (HEX_KEY.test(String(b?.key)) && Number.isSafeInteger(b.blockedAt))
      tables.blockList.add({ key: b.key, blockedAt: b.blockedAt, ...(text(b.name) ? { name: b.name } : {}) })
  }
  return tables.blockList.keys()
}
