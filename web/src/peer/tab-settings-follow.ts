/**
 * The person's settings following their devices after linking, in a tab
 * (core's devices/person-setting.ts): each change made here to the display
 * name, presence, read receipts, a mute or a verification is written in
 * the person's own group; what another of their devices changed there is
 * taken here. A tab keeps no block list and one notification switch for
 * every group, so blocks and per-group notification levels written by a
 * daemon are left to the daemons. Settings handed over whole at linking
 * (tab-person-settings.ts) and those taken from another device are not
 * written back.
 */
import { fromHex, type PersonSettingChange, SettingWriter, safetyNumber } from '@causette/core'
import type { TabPreferences } from '../settings/tab-preferences.ts'
import type { DeviceIdentity } from './device-identity.ts'

export interface TabSettingsFollowInit {
  /** Writes a change made here in the person's group (core's DeviceLinking.changeSetting). */
  write: (setting: string, value: string) => Promise<void>
  /** The person's key (hex): a verification is kept as the safety number of the person and the member. */
  person: () => string
  /** The name was changed on another device: the tab's groups are told it as a change here would. */
  named: (name: string) => void
  /** Presence was turned on or off on another device. */
  presence: (sharing: boolean) => void
}

export class TabSettingsFollow {
  private readonly identity: DeviceIdentity
  private readonly preferences: TabPreferences
  private readonly init: TabSettingsFollowInit
  private readonly writer: SettingWriter

  constructor(identity: DeviceIdentity, preferences: TabPreferences, init: TabSettingsFollowInit) {
    this.identity = identity
    this.preferences = preferences
    this.init = init
    this.writer = new SettingWriter(init.write)
  }

  /** Writes each change made here from now on in the person's group. */
  watch(): void {
    const changed = (setting: string, value: string): void => this.writer.changed(setting, value)
    this.identity.onSettingChange = changed
    this.preferences.onSettingChange = changed
  }

  /** Runs `take` without writing what it changes back (the settings a new device is handed when linked). */
  quietly<T>(take: () => Promise<T>): Promise<T> {
    return this.writer.quietly(take)
  }

  /** Takes what another device of the person changed. */
  apply(changes: PersonSettingChange[]): Promise<void> {
    return this.quietly(async () => {
      for (const change of changes) await this.take(change)
    })
  }

  private async take({ setting, value }: PersonSettingChange): Promise<void> {
    const [kind, key] = setting.split(':') as [string, string | undefined]
    if (kind === 'name') {
      await this.identity.setDisplayName(value)
      this.init.named(value)
    } else if (kind === 'presence') {
      await this.identity.setSharesPresence(value === 'on')
      this.init.presence(value === 'on')
    } else if (kind === 'receipts') {
      await this.preferences.setReceipts(value === 'on')
    } else if (kind === 'mute' && key !== undefined) {
      if (value === '') await this.preferences.unmute(key)
      else await this.preferences.muteUntil(key, value === 'forever' ? undefined : Number(value))
    } else if (kind === 'verified' && key !== undefined) {
      await this.identity.setVerified(key, value === '' ? undefined : safetyNumber(fromHex(this.init.person()), fromHex(key)))
    }
  }
}
