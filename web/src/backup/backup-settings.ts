/**
 * A tab's settings as a backup holds them, and back: the same records as
 * the daemon's (core's BackupSettings), so each restores the other's.
 * `name` and `presence` are shared settings; the tab's relays travel as
 * `relays` (JSON), which a daemon keeps and ignores (its relays live in its
 * config.json). A verified member is kept as the daemon keeps one, with the
 * member's own fingerprint; the tab shows the safety number it makes with
 * the restored key. A daemon's block list and known peers have no place in
 * a tab and are left out when a tab restores a daemon's backup.
 */
import { fingerprint, fromHex, safetyNumber } from '@causette/core'
import type { BackupSettings } from '@causette/core/backups'
import type { DeviceIdentity, RestoredSettings } from '../peer/device-identity.ts'

export async function settingsOfTab(identity: DeviceIdentity): Promise<BackupSettings> {
  const settings: Record<string, string> = { presence: (await identity.sharesPresence()) ? 'on' : 'off' }
  const name = await identity.displayName()
  if (name !== undefined) settings['name'] = name
  const relays = await identity.relays()
  if (relays.length > 0) settings['relays'] = JSON.stringify(relays)
  // whose device this is, as a daemon keeps it (docs/devices.md)
  const person = await identity.person()
  if (person !== undefined) settings['person'] = person
  const personGroup = await identity.personGroup()
  if (personGroup !== undefined) settings['person-group'] = personGroup
  const verifiedAt = Date.now()
  const verified = [...(await identity.verified()).keys()].map((key) => ({ key, fingerprint: fingerprint(fromHex(key)), verifiedAt }))
  return { settings, blocked: [], verified, knownPeers: [] }
}

/** The settings a tab takes from a backup; `me` is the restored device key (hex). */
export function tabSettingsOf(saved: BackupSettings, me: string): RestoredSettings {
  const named = saved.settings ?? {}
  const restored: RestoredSettings = {}
  if (typeof named['name'] === 'string' && named['name'] !== '') restored.name = named['name']
  if (named['presence'] === 'on' || named['presence'] === 'off') restored.presence = named['presence']
  const relays = relaysOf(named['relays'])
  if (relays.length > 0) restored.relays = relays
  if (typeof named['person'] === 'string') restored.person = named['person']
  if (typeof named['person-group'] === 'string' && /^[0-9a-f]{64}$/.test(named['person-group'])) restored.personGroup = named['person-group']
  const verified = (saved.verified ?? []).filter((v) => typeof v.key === 'string' && /^[0-9a-f]{64}$/.test(v.key))
  if (verified.length > 0) restored.verified = Object.fromEntries(verified.map((v) => [v.key, safetyNumber(fromHex(me), fromHex(v.key))]))
  return restored
}

function relaysOf(text: string | undefined): string[] {
  if (text === undefined) return []
  try {
    const value: unknown = JSON.parse(text)
    return Array.isArray(value) ? value.filter((r): r is string => typeof r === 'string') : []
  } catch {
    return []
  }
}
