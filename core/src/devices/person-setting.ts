/**
 * A setting of the person changed on one of their devices, written in the
 * person's own group (person-group.ts) so that it follows to every other
 * device of theirs after linking, not only once when a device is linked
 * (person-settings.ts hands the whole set over then). One register per
 * setting: the latest in the group's entry order is what every device
 * takes, so two devices changing the same setting at once end alike.
 *
 * Settings are named as the daemon keeps them, one string each:
 *
 * - `name`: the display name;
 * - `receipts`, `presence`: `on` or `off`;
 * - `mute:<group>`: `forever`, the end of the mute (ms), or empty (unmuted);
 * - `notify:<group>`: `all`, `mentions`, `off`, or empty (the default);
 * - `verified:<key>`: when the person verified that member (ms), or empty;
 * - `blocked:<key>`: when the person blocked that member (ms), a line
 *   break and the name they had then, or empty (unblocked).
 *
 * How far the person read each group is not among them: read markers in
 * the groups themselves carry it to every device (chat/unread.ts).
 */
import { MAX_NAME_LENGTH } from '../constants.ts'
import { MalformedOperationError } from '../errors.ts'

export interface PersonSettingOperation {
  type: 'person-setting'
  setting: string
  /** Empty: cleared (unmuted, unverified, unblocked, back to the default). */
  value: string
}

/** A setting another device of the person changed, for this device to take. */
export interface PersonSettingChange {
  setting: string
  value: string
}

const GROUP_OR_KEY = '[0-9a-f]{64}'
const SETTING = new RegExp(`^(name|receipts|presence|(mute|notify|verified|blocked):${GROUP_OR_KEY})$`)
const TIME = /^\d{1,16}$/

/** Whether a setting of that name is the person's (follows their devices), not one device's own. */
export function followsPerson(setting: string): boolean {
  return SETTING.test(setting)
}

/** Whether `value` is well formed for `setting`; the reason when not. */
export function settingProblem(setting: string, value: string): string | undefined {
  if (!followsPerson(setting)) return `"${setting.slice(0, 80)}" is not a setting that follows the person`
  const kind = setting.split(':')[0]
  if (kind === 'name') return value.trim() === '' || value.length > MAX_NAME_LENGTH ? `a name is 1 to ${MAX_NAME_LENGTH} characters` : undefined
  if (kind === 'receipts' || kind === 'presence') return value === 'on' || value === 'off' ? undefined : `${kind} is on or off`
  if (value === '') return undefined
  if (kind === 'mute') return value === 'forever' || TIME.test(value) ? undefined : 'a mute lasts forever or until a time (ms)'
  if (kind === 'notify') return ['all', 'mentions', 'off'].includes(value) ? undefined : 'notifications are all, mentions or off'
  if (kind === 'verified') return TIME.test(value) ? undefined : 'a verification is its time (ms)'
  const [at, name, ...rest] = value.split('\n')
  return TIME.test(at ?? '') && rest.length === 0 && (name ?? '').length <= MAX_NAME_LENGTH ? undefined : 'a block is its time (ms), then the name'
}

export function decodePersonSetting(m: Record<string, unknown>): PersonSettingOperation {
  const { setting, value } = m
  if (typeof setting !== 'string' || typeof value !== 'string')
    throw new MalformedOperationError('a person setting has a "setting" and a "value", as text')
  const problem = settingProblem(setting, value)
  if (problem !== undefined) throw new MalformedOperationError(problem)
  return { type: 'person-setting', setting, value }
}

/** A block as a setting's value, and back. */
export function blockValue(blockedAt: number, name?: string): string {
  return name === undefined ? String(blockedAt) : `${blockedAt}\n${name}`
}

export function blockOf(value: string): { blockedAt: number; name?: string } | undefined {
  if (value === '') return undefined
  const [at, name] = value.split('\n') as [string, string | undefined]
  return name === undefined || name === '' ? { blockedAt: Number(at) } : { blockedAt: Number(at), name }
}
