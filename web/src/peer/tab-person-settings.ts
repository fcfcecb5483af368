/**
 * The person's settings in this tab, to and from the form every device of
 * the person hands a new one when linking (core's devices/person-settings.ts):
 * the display name, presence, read receipts, mutes and read positions, and
 * the members verified. A tab keeps no block list, so none is handed over
 * or taken.
 */
import { decodePersonSettings, emptyPersonSettings, encodePersonSettings, fromHex, safetyNumber } from '@causette/core'
import type { TabPreferences } from '../settings/tab-preferences.ts'
import type { DeviceIdentity } from './device-identity.ts'

export async function exportTabSettings(identity: DeviceIdentity, preferences: TabPreferences): Promise<Uint8Array> {
  const out = emptyPersonSettings()
  const name = await identity.displayName()
  if (name !== undefined) out.name = name
  out.presence = await identity.sharesPresence()
  const stored = preferences.snapshot()
  out.receipts = stored.receipts
  out.mutes = stored.mutes
  out.readPositions = stored.readPositions
  const verifiedAt = Date.now()
  out.verified = [...(await identity.verified()).keys()].map((key) => ({ key, verifiedAt }))
  return encodePersonSettings(out)
}

/** Takes the settings another device of the person handed over; `person` is the person key (hex). Resolves with the name taken, if any. */
export async function importTabSettings(
  bytes: Uint8Array,
  identity: DeviceIdentity,
  preferences: TabPreferences,
  person: string
): Promise<string | undefined> {
  const given = decodePersonSettings(bytes)
  if (given.name !== undefined) await identity.setDisplayName(given.name)
  if (given.presence !== undefined) await identity.setSharesPresence(given.presence)
  await preferences.adopt({
    ...(given.receipts === undefined ? {} : { receipts: given.receipts }),
    mutes: given.mutes,
    readPositions: given.readPositions
  })
  // the tab keeps a verification as the safety number it shows: the person's with the member's
  for (const v of given.verified) await identity.setVerified(v.key, safetyNumber(fromHex(person), fromHex(v.key)))
  return given.name
}
