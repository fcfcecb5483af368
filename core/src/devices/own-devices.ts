/**
 * This person's devices as the groups see them: which devices write for the
 * person in which groups, and revoking one everywhere. Only the person's
 * first device revokes (group/person-devices.ts says why).
 */
import { toHex } from '../codec/hex.ts'
import { devicesOf } from '../group/person-devices.ts'
import type { Groups } from '../peer/groups.ts'

export interface OwnDevice {
  /** Device key, hex. */
  device: string
  /** Groups (ids, hex) it is a member of as this person. */
  groups: string[]
  /** Whether it is this device. */
  self: boolean
  /** Its name for itself, as it wrote it in the person's group (device-name.ts), once read. */
  name?: string
}

/** The person's devices across the groups this device is in, sorted by key; the person's own group (`own`) is not listed among their groups. */
export function ownDevices(groups: Groups, own?: string): OwnDevice[] {
  const person = groups.personKey()
  const byDevice = new Map<string, string[]>()
  for (const log of groups.all()) {
    const state = log.membership()
    if (state === undefined) continue
    for (const device of devicesOf(state.members, person)) {
      byDevice.set(device, [...(byDevice.get(device) ?? []), ...(log.idHex === own ? [] : [log.idHex])])
    }
  }
  const meHex = toHex(groups.key.publicKey)
  if (!byDevice.has(meHex)) byDevice.set(meHex, [])
  return [...byDevice].map(([device, ids]) => ({ device, groups: ids, self: device === meHex })).sort((a, b) => (a.device < b.device ? -1 : 1))
}

/** Revokes `device` in every group where it writes for this person; resolves with how many, the person's own group (`own`) not counted. */
export async function revokeOwnDevice(groups: Groups, device: string, own?: string): Promise<number> {
  let count = 0
  for (const log of groups.all()) {
    const state = log.membership()
    if (state?.members.get(device)?.person !== groups.personKey()) continue
    await log.revokeDevice(device)
    if (log.idHex !== own) count++
  }
  return count
}
