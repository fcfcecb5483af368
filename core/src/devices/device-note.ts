/**
 * A note a person's device writes in the person's own group (the group of
 * their devices, person-group.ts): "this person is in group G", with what
 * joining G takes — its id, secret and name. Only the person's devices are
 * members of that group, so only they can read it; each of them, reading
 * the note, takes the group too.
 */
import { ENTRY_ID_BYTES, GROUP_SECRET_BYTES, MAX_NAME_LENGTH } from '../constants.ts'
import { MalformedOperationError } from '../errors.ts'

export interface DeviceNoteOperation {
  type: 'device-note'
  group: Uint8Array
  secret: Uint8Array
  name: string
}

export function decodeDeviceNote(m: Record<string, unknown>): DeviceNoteOperation {
  const { group, secret, name } = m
  if (!(group instanceof Uint8Array) || group.byteLength !== ENTRY_ID_BYTES)
    throw new MalformedOperationError(`a device note's "group" is ${ENTRY_ID_BYTES} bytes`)
  if (!(secret instanceof Uint8Array) || secret.byteLength !== GROUP_SECRET_BYTES)
    throw new MalformedOperationError(`a device note's "secret" is ${GROUP_SECRET_BYTES} bytes`)
  if (typeof name !== 'string' || name.length > MAX_NAME_LENGTH)
    throw new MalformedOperationError(`a device note's "name" is text of at most ${MAX_NAME_LENGTH} characters`)
  return { type: 'device-note', group, secret, name }
}
