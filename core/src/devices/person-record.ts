/**
 * A linked device's record of whose it is (LinkedPerson) as text: JSON of
 * hex fields, the same in a daemon's settings and a tab's, so a backup of
 * either carries it and each restores the other's. Reading it checks every
 * field and that the certificate is the person's for this device's key.
 */
import { fromHex, toHex } from '../codec/hex.ts'
import { memberKeyPair } from '../crypto/member-key.ts'
import { checkDeviceCertificate, DEVICE_CERTIFICATE_BYTES } from '../identity/device-certificate.ts'
import type { DeviceKey } from '../identity/device-key.ts'
import type { LinkedPerson } from './device-linking.ts'

export class PersonRecordError extends Error {
  static override name = 'PersonRecordError'
  override name = 'PersonRecordError'
  constructor(why: string) {
    super(`this device's record of whose it is is damaged (${why}); restore it from a backup, or link this device again from your first device`)
  }
}

export function personRecordText(claim: LinkedPerson): string {
  return JSON.stringify({
    person: toHex(claim.person),
    certificate: toHex(claim.certificate),
    personCertificate: toHex(claim.personCertificate),
    personMemberKey: toHex(claim.personMemberKey),
    personGroup: toHex(claim.personGroup)
  })
}

export function parsePersonRecord(text: string, key: DeviceKey): LinkedPerson {
  let value: Record<string, unknown>
  try {
    value = JSON.parse(text) as Record<string, unknown>
  } catch (err) {
    throw new PersonRecordError((err as Error).message)
  }
  const field = (name: string, bytes: number): Uint8Array => {
    const v = value[name]
    if (typeof v !== 'string' || v.length !== bytes * 2 || !/^[0-9a-f]+$/.test(v))
      throw new PersonRecordError(`its ${name} is not ${bytes} bytes of hex`)
    return fromHex(v)
  }
  const claim: LinkedPerson = {
    person: field('person', 32),
    certificate: field('certificate', DEVICE_CERTIFICATE_BYTES),
    personCertificate: field('personCertificate', DEVICE_CERTIFICATE_BYTES),
    personMemberKey: field('personMemberKey', 32),
    personGroup: field('personGroup', 32)
  }
  if (!checkDeviceCertificate(claim.person, key.publicKey, memberKeyPair(key).publicKey, claim.certificate)) {
    throw new PersonRecordError("its certificate is not the person's for this device key")
  }
  return claim
}
