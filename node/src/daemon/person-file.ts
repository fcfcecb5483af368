/**
 * Whose device this daemon is, once linked to a person: the person key,
 * the person's certificate for this device, and the one for the person's
 * first device, in `<home>/person.json` (0600). Written before the device
 * joins any group as that person, so a crash cannot leave it in groups as
 * someone it no longer knows it is. A daemon without the file is its own
 * person, as every daemon was before linking existed.
 */
import { readFile } from 'node:fs/promises'
import { checkDeviceCertificate, DEVICE_CERTIFICATE_BYTES, type DeviceKey, fromHex, type LinkedPerson, memberKeyPair, toHex } from '@causette/core'
import { writePrivateFile } from '../data-dir.ts'

export class PersonFileError extends Error {
  static override name = 'PersonFileError'
  override name = 'PersonFileError'
  constructor(path: string, why: string) {
    super(`the person file ${path} is damaged (${why}); restore it from a backup, or link this device again from your first device`)
  }
}

export async function readPersonFile(path: string, key: DeviceKey): Promise<LinkedPerson | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new PersonFileError(path, (err as Error).message)
  }
  let value: { person?: unknown; certificate?: unknown; personCertificate?: unknown }
  try {
    value = JSON.parse(text) as typeof value
  } catch (err) {
    throw new PersonFileError(path, (err as Error).message)
  }
  const field = (v: unknown, bytes: number, what: string): Uint8Array => {
    if (typeof v !== 'string' || v.length !== bytes * 2 || !/^[0-9a-f]+$/.test(v))
      throw new PersonFileError(path, `its ${what} is not ${bytes} bytes of hex`)
    return fromHex(v)
  }
  const claim: LinkedPerson = {
    person: field(value.person, 32, 'person key'),
    certificate: field(value.certificate, DEVICE_CERTIFICATE_BYTES, 'certificate'),
    personCertificate: field(value.personCertificate, DEVICE_CERTIFICATE_BYTES, 'first device certificate')
  }
  if (!checkDeviceCertificate(claim.person, key.publicKey, memberKeyPair(key).publicKey, claim.certificate)) {
    throw new PersonFileError(path, "its certificate is not the person's for this device key")
  }
  return claim
}

export async function writePersonFile(path: string, claim: LinkedPerson): Promise<void> {
  const json = { person: toHex(claim.person), certificate: toHex(claim.certificate), personCertificate: toHex(claim.personCertificate) }
  await writePrivateFile(path, `${JSON.stringify(json, null, 2)}\n`)
}
