/**
 * The person's settings following their devices after linking, in the
 * daemon (core's devices/person-setting.ts): each change this device makes
 * to its display name, read receipts, presence, a mute, a notification
 * level, a verification or a block is written in the person's own group;
 * what another of their devices changed there is written into this
 * daemon's tables. Settings handed over whole at linking (person-settings.ts)
 * and those taken from another device are not written back.
 */
import { blockOf, blockValue, followsPerson, type PersonSettingChange, SettingWriter } from '@causette/core'
import type { DaemonTables } from '../store/daemon-tables.ts'

type Tables = Pick<DaemonTables, 'settings' | 'verifiedMembers' | 'blockList'>

export interface SettingsFollowInit {
  /** Writes a change of this device in the person's group (core's DeviceLinking.changeSetting). */
  write: (setting: string, value: string) => Promise<void>
  /** The blocked keys changed: the peer refuses them from now on. */
  blocked: (keys: string[]) => Promise<void>
  /** Presence was turned on or off on another device. */
  presence: (sharing: boolean) => void
  /** A key's safety-number fingerprint now, kept with a verification taken from another device. */
  fingerprint: (key: string) => string
}

export class SettingsFollow {
  private readonly tables: Tables
  private readonly init: SettingsFollowInit
  private readonly writer: SettingWriter

  constructor(tables: Tables, init: SettingsFollowInit) {
    this.tables = tables
    this.init = init
    this.writer = new SettingWriter(init.write)
  }

  /** Writes each change this device makes from now on in the person's group. */
  watch(): void {
    const { settings, verifiedMembers, blockList } = this.tables
    const { writer } = this
    settings.onChange = (name, value) => {
      // the person's, not this device's (ports, relays and its own device name stay)
      if (followsPerson(name)) writer.changed(name, value)
    }
    verifiedMembers.onChange = (key, v) => writer.changed(`verified:${key}`, v === undefined ? '' : String(v.verifiedAt))
    blockList.onChange = (key, b) => writer.changed(`blocked:${key}`, b === undefined ? '' : blockValue(b.blockedAt, b.name))
  }

  /** Runs `take` without writing what it changes back (the settings a new device is handed when linked). */
  quietly<T>(take: () => Promise<T>): Promise<T> {
    return this.writer.quietly(take)
  }

  /** Takes what another device of the person changed. */
  apply(changes: PersonSettingChange[]): Promise<void> {
    return this.quietly(async () => {
      const { settings, verifiedMembers, blockList } = this.tables
      let blocks = false
      for (const { setting, value } of changes) {
        const [kind, key] = setting.split(':') as [string, string | undefined]
        if (key === undefined || kind === 'mute' || kind === 'notify') {
          settings.set(setting, value)
          if (setting === 'presence') this.init.presence(value === 'on')
        } else if (kind === 'verified') {
          if (value === '') verifiedMembers.delete(key)
          else verifiedMembers.put({ key, verifiedAt: Number(value), fingerprint: this.init.fingerprint(key) })
        } else if (kind === 'blocked') {
          const block = blockOf(value)
          if (block === undefined) blockList.delete(key)
          else blockList.add({ key, ...block })
          blocks = true
        }
      }
      if (blocks) await this.init.blocked(blockList.keys())
    })
  }
}
