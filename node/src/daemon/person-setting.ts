/**
 * Whose device this daemon is, once linked to a person, kept as the
 * `person` setting (core's person record: JSON of hex fields) in the
 * store's settings table — so a backup carries it and a restore brings it
 * back; and, on the first device, the person's own group as `person-group`.
 * A daemon without them is its own person, as every daemon was before
 * linking existed.
 */
import { type DeviceKey, type LinkedPerson, parsePersonRecord, personRecordText } from '@causette/core'
import type { Settings } from '../store/settings.ts'

const SETTING = 'person'
const PERSON_GROUP = 'person-group'

export function readPersonSetting(settings: Pick<Settings, 'get'>, key: DeviceKey): LinkedPerson | undefined {
  const text = settings.get(SETTING)
  return text === undefined || text === '' ? undefined : parsePersonRecord(text, key)
}

export function writePersonSetting(settings: Pick<Settings, 'set'>, claim: LinkedPerson): void {
  settings.set(SETTING, personRecordText(claim))
}

/** On the first device: the person's own group (docs/devices.md), once made. */
export function readPersonGroup(settings: Pick<Settings, 'get'>): string | undefined {
  const id = settings.get(PERSON_GROUP)
  return id === undefined || !/^[0-9a-f]{64}$/.test(id) ? undefined : id
}

export function writePersonGroup(settings: Pick<Settings, 'set'>, id: string): void {
  settings.set(PERSON_GROUP, id)
}
