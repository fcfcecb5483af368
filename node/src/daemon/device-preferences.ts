/**
 * This device's own choices about its groups, which never enter a log:
 * how long a group is muted, which of its messages notify the desktop, and
 * — when the person sends no read receipts — how far they have read it. Kept
 * in the settings table of the daemon's store (`mute:<group>`,
 * `notify:<group>`, `read-position:<group>`, `receipts`), so a backup
 * carries them with the other settings and no migration is needed.
 */
import type { Mute, NotifyLevel } from '../api/api-types.ts'
import type { Settings } from '../store/settings.ts'

export const NOTIFY_LEVELS: readonly NotifyLevel[] = ['all', 'mentions', 'off']
/** Like the messengers people know: mentions and replies notify unless the person asks for more or less. */
export const DEFAULT_NOTIFY_LEVEL: NotifyLevel = 'mentions'

const FOREVER = 'forever'

export class DevicePreferences {
  private readonly settings: Pick<Settings, 'get' | 'set'>
  private readonly now: () => number

  constructor(settings: Pick<Settings, 'get' | 'set'>, now: () => number = Date.now) {
    this.settings = settings
    this.now = now
  }

  /** The group's mute while it lasts; undefined once it ran out (expiring by itself) or when there is none. */
  mute(groupId: string): Mute | undefined {
    const value = this.settings.get(`mute:${groupId}`)
    if (value === undefined || value === '') return undefined
    if (value === FOREVER) return {}
    const until = Number(value)
    return Number.isFinite(until) && until > this.now() ? { until } : undefined
  }

  /** Mutes the group for `forMs`, or until unmuted when it is left out. */
  setMute(groupId: string, forMs?: number): Mute {
    if (forMs === undefined) {
      this.settings.set(`mute:${groupId}`, FOREVER)
      return {}
    }
    const until = this.now() + forMs
    this.settings.set(`mute:${groupId}`, String(until))
    return { until }
  }

  unmute(groupId: string): void {
    this.settings.set(`mute:${groupId}`, '')
  }

  notifyLevel(groupId: string): NotifyLevel {
    const value = this.settings.get(`notify:${groupId}`)
    return NOTIFY_LEVELS.includes(value as NotifyLevel) ? (value as NotifyLevel) : DEFAULT_NOTIFY_LEVEL
  }

  setNotifyLevel(groupId: string, level: NotifyLevel): void {
    this.settings.set(`notify:${groupId}`, level)
  }

  /** Whether this device writes read markers others see ("seen by"); on unless turned off. */
  get sendsReceipts(): boolean {
    return this.settings.get('receipts') !== 'off'
  }

  setSendsReceipts(sending: boolean): void {
    this.settings.set('receipts', sending ? 'on' : 'off')
  }

  /** The newest message read in the group, kept here while receipts are off. */
  readPosition(groupId: string): string | undefined {
    const value = this.settings.get(`read-position:${groupId}`)
    return value === undefined || value === '' ? undefined : value
  }

  setReadPosition(groupId: string, messageId: string): void {
    this.settings.set(`read-position:${groupId}`, messageId)
  }
}
