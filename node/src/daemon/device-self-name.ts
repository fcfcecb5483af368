/**
 * This daemon's name for itself as a device of its person: the one it was
 * linked under (`causette link <link> --name laptop`), else the machine's
 * host name. Written in the person's own group (core's devices/device-name.ts),
 * so every device of the person lists it by that name.
 */
import { hostname } from 'node:os'
import type { Settings } from '../store/settings.ts'

const SETTING = 'device-name'

export function selfName(settings: Pick<Settings, 'get'>): string {
  return settings.get(SETTING) ?? hostname()
}

export function keepSelfName(settings: Pick<Settings, 'set'>, name: string): void {
  settings.set(SETTING, name)
}
