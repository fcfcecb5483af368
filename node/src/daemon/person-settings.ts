/**
 * The person's settings in the daemon's tables, to and from the form every
 * runtime hands a new device of the person (core's devices/person-settings.ts):
 * the display name, read receipts and presence, mutes, notification levels,
 * read positions (settings table), verified and blocked members (their
 * tables). Device-specific settings (ports, relays, this device's name for
 * itself) stay behind.
 */
import { decodePersonSettings, emptyPersonSettings, encodePersonSettings, type NotifyChoice } from '@causette/core'
import type { DaemonTables } from '../store/daemon-tables.ts'

type Tables = Pick<DaemonTables, 'settings' | 'verifiedMembers' | 'blockList'>

const FOREVER = 'forever'

export function exportPersonSettings(tables: Tables): Uint8Array {
  const out = emptyPersonSettings()
  const all = tables.settings.all()
  if (all.name !== undefined) out.name = all.name
  if (all.receipts !== undefined) out.receipts = all.receipts !== 'off'
  if (all.presence !== undefined) out.presence = all.presence !== 'off'
  for (const [name, value] of Object.entries(all)) {
    const [kind, group] = name.split(':') as [string, string | undefined]
    if (group === undefined || value === '') continue
    if (kind === 'mute') out.mutes[group] = value === FOREVER ? 0 : Number(value)
    else if (kind === 'notify') out.notify[group] = value as NotifyChoice
    else if (kind === 'read-position') out.readPositions[group] = value
  }
  out.verified = tables.verifiedMembers.list().map((v) => ({ key: v.key, verifiedAt: v.verifiedAt }))
  out.blocked = tables.blockList.list()
  return encodePersonSettings(out)
}

/** Takes the settings another device of the person handed over; returns the blocked keys, for the peer to refuse. */
export function importPersonSettings(bytes: Uint8Array, tables: Tables, fingerprint: (key: string) => string): string[] {
  const given = decodePersonSettings(bytes)
  const { settings } = tables
  if (given.name !== undefined) settings.set('name', given.name)
  if (given.receipts !== undefined) settings.set('receipts', given.receipts ? 'on' : 'off')
  if (given.presence !== undefined) settings.set('presence', given.presence ? 'on' : 'off')
  for (const [group, until] of Object.entries(given.mutes)) settings.set(`mute:${group}`, until === 0 ? FOREVER : String(until))
  for (const [group, level] of Object.entries(given.notify)) settings.set(`notify:${group}`, level)
  for (const [group, id] of Object.entries(given.readPositions)) settings.set(`read-position:${group}`, id)
  // a verification holds while the key's fingerprint is the one read then: read now, for the same key
  for (const v of given.verified) tables.verifiedMembers.put({ key: v.key, verifiedAt: v.verifiedAt, fingerprint: fingerprint(v.key) })
  for (const b of given.blocked) tables.blockList.add(b)
  return tables.blockList.keys()
}
