/**
 * Whose device this daemon is, once linked to a person: the person key,
 * the person's certificate for this device, and the one for the person's
 * first device, kept as the `person` setting (JSON, hex) in the store's
 * settings table — so a backup carries it and a restore brings it back.
 * Written before the device joins any group as that person. A daemon
 * without it is its own person, as every daemon was before linking existed.
 */
import { checkDeviceCertificate, DEVICE_CERTIFICATE_BYTES, type DeviceKey, fromHex, type LinkedPerson, memberKeyPair, toHex } from '@causette/core'
import type { Settings } from '../store/settings.ts'

const SETTING = 'person'
const PERSON_GROUP = 'person-group'

export class PersonSettingError extends Error {
  static override name = 'PersonSettingError'
  override name = 'PersonSettingError'
  constructor(why: string) {
    super(
      `this device's record of whose it is is damaged (${why}); restore the data directory from a backup, or link this device again from your first device`
    )
  }
}

export function readPersonSetting(settings: Pick<Settings, 'get'>, key: DeviceKey): LinkedPerson | undefined {
  const text = settings.get(SETTING)
  if (text === undefined || text === '') return undefined
  let value: { person?: unknown; certificate?: unknown; personCertificate?: unknown; personMemberKey?: unknown; personGroup?: unknown }
  try {
    value = JSON.parse(text) as typeof value
  } catch (err) {
    throw new PersonSettingError((err as Error).message)
  }
  const field = (v: unknown, bytes: number, what: string): Uint8Array => {
    if (typeof v !== 'string' || v.length !== bytes * 2 || !/^[0-9a-f]+$/.test(v))
      throw new PersonSettingError(`its ${what} is not ${bytes} bytes of hex`)
    return fromHex(v)
  }
  const claim: LinkedPerson = {
    person: field(value.person, 32, 'person key'),
    certificate: field(value.certificate, DEVICE_CERTIFICATE_BYTES, 'certificate'),
    personCertificate: field(value.personCertificate, DEVICE_CERTIFICATE_BYTES, 'first device certificate'),
    personMemberKey: field(value.personMemberKey, 32, 'first device member key'),
    personGroup: field(value.personGroup, 32, 'person group')
  }
  if (!checkDeviceCertificate(claim.person, key.publicKey, memberKeyPair(key).publicKey, claim.certificate)) {
    throw new PersonSettingError("its certificate is not the person's for this device key")
  }
  return claim
}

export function writePersonSetting(settings: Pick<Settings, 'set'>, claim: LinkedPerson): void {
  settings.set(
    SETTING,
    JSON.stringify({
      person: toHex(claim.person),
      certificate: toHex(claim.certificate),
      personCertificate: toHex(claim.personCertificate),
      personMemberKey: toHex(claim.personMemberKey),
      personGroup: toHex(claim.personGroup)
    })
  )
}

/** On the first device: the person's own group (docs/devices.md), once made. */
export function readPersonGroup(settings: Pick<Settings, 'get'>): string | undefined {
  const id = settings.get(PERSON_GROUP)
  return id === undefined || !/^[0-9a-f]{64}$/.test(id) ? undefined : id
}

export function writePersonGroup(settings: Pick<Settings, 'set'>, id: string): void {
  settings.set(PERSON_GROUP, id)
}
