/**
 * A device's name for itself ("laptop", "Firefox on the desk"), written in
 * the person's own group (person-group.ts) so that every device of the
 * person lists it by that name, not only the device that linked it. The
 * latest a device wrote is its name.
 */
import { MAX_NAME_LENGTH } from '../constants.ts'
import { MalformedOperationError } from '../errors.ts'

export interface DeviceNameOperation {
  type: 'device-name'
  name: string
}

export function decodeDeviceName(m: Record<string, unknown>): DeviceNameOperation {
  const { name } = m
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME_LENGTH)
    throw new MalformedOperationError(`a device name is text of 1 to ${MAX_NAME_LENGTH} characters`)
  return { type: 'device-name', name }
}
