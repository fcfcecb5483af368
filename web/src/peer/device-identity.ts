/**
 * This tab's device: its key and the person's display name, kept in their
 * own small IndexedDB database beside the groups' store, so the tab is the
 * same device after a reload or a browser restart. Each browser profile is
 * one device (a second window of the same profile shares it).
 */
import { type DeviceKey, deviceKeyFromBytes, deviceKeyToBytes, generateDeviceKey } from '@causette/core'
import { type IDBPDatabase, openDB } from 'idb'

const DATABASE = 'causette-device'
const SETTINGS = 'settings'

/** What a restored backup sets, in this database's own shapes. */
export interface RestoredSettings {
  name?: string
  relays?: string[]
  presence?: 'on' | 'off'
  /** Device key (hex) to the safety number shown with it. */
  verified?: Record<string, string>
  /** Whose device this is (core's person record), and on a first device its person's own group (docs/devices.md). */
  person?: string
  personGroup?: string
}

/** What settings/tab-preferences.ts keeps: never written to a group's log. */
export interface StoredPreferences {
  /** Whether this device writes read markers (others see how far the person read, and the person sees theirs). */
  receipts: boolean
  /** Per group (hex id): the newest message read, kept here while receipts are off. */
  readPositions: Record<string, string>
  /** Per group: muted until then (ms), or 0 for until unmuted. */
  mutes: Record<string, number>
  /** Whether mentions and replies notify (the browser's permission asked when the person turned it on). */
  notify: boolean
}

interface Device {
  key: DeviceKey
  /** Whether the key was made now, on this first start. */
  created: boolean
}

export class DeviceIdentity {
  private readonly db: IDBPDatabase
  /** Told of each of the person's settings kept here that changes (the name, presence, a verification: peer/tab-settings-follow.ts). */
  onSettingChange: ((setting: string, value: string) => void) | undefined

  private constructor(db: IDBPDatabase) {
    this.db = db
  }

  static async open(): Promise<DeviceIdentity> {
    const db = await openDB(DATABASE, 1, {
      upgrade(database) {
        database.createObjectStore(SETTINGS)
      }
    })
    return new DeviceIdentity(db)
  }

  /** This device's key, made and stored (durably) on the first start. */
  async key(): Promise<Device> {
    const stored = (await this.db.get(SETTINGS, 'key')) as Uint8Array | undefined
    if (stored !== undefined) return { key: await deviceKeyFromBytes(stored), created: false }
    const key = await generateDeviceKey()
    const tx = this.db.transaction(SETTINGS, 'readwrite', { durability: 'strict' })
    await tx.store.put(deviceKeyToBytes(key), 'key')
    await tx.done
    return { key, created: true }
  }

  async displayName(): Promise<string | undefined> {
    return (await this.db.get(SETTINGS, 'name')) as string | undefined
  }

  async setDisplayName(name: string): Promise<void> {
    const before = await this.displayName()
    await this.db.put(SETTINGS, name, 'name')
    if (before !== name) this.onSettingChange?.('name', name)
  }

  /** Community relays the person added in the settings (multiaddrs). */
  async relays(): Promise<string[]> {
    return ((await this.db.get(SETTINGS, 'relays')) as string[] | undefined) ?? []
  }

  async setRelays(relays: string[]): Promise<void> {
    await this.db.put(SETTINGS, relays, 'relays')
  }

  /** Whether this device tells its groups when the person is online, away or typing (on unless turned off). */
  async sharesPresence(): Promise<boolean> {
    return ((await this.db.get(SETTINGS, 'presence')) as string | undefined) !== 'off'
  }

  async setSharesPresence(share: boolean): Promise<void> {
    const before = await this.sharesPresence()
    await this.db.put(SETTINGS, share ? 'on' : 'off', 'presence')
    if (before !== share) this.onSettingChange?.('presence', share ? 'on' : 'off')
  }

  /** This device's choices about its groups and receipts (settings/tab-preferences.ts), as last saved. */
  async preferences(): Promise<StoredPreferences | undefined> {
    return (await this.db.get(SETTINGS, 'preferences')) as StoredPreferences | undefined
  }

  async setPreferences(preferences: StoredPreferences): Promise<void> {
    await this.db.put(SETTINGS, preferences, 'preferences')
  }

  /** Members this person marked as verified, by device key (hex): the safety number they compared. */
  async verified(): Promise<Map<string, string>> {
    return new Map(Object.entries(((await this.db.get(SETTINGS, 'verified')) as Record<string, string> | undefined) ?? {}))
  }

  async setVerified(key: string, safetyNumber: string | undefined): Promise<void> {
    const verified = await this.verified()
    const before = verified.get(key)
    if (safetyNumber === undefined) verified.delete(key)
    else verified.set(key, safetyNumber)
    await this.db.put(SETTINGS, Object.fromEntries(verified), 'verified')
    if (before !== safetyNumber) this.onSettingChange?.(`verified:${key}`, safetyNumber === undefined ? '' : String(Date.now()))
  }

  /** Whose device this tab is, once linked (core's person record, as text); undefined for a tab that is its own person. */
  async person(): Promise<string | undefined> {
    return (await this.db.get(SETTINGS, 'person')) as string | undefined
  }

  /** Kept on disk before the tab joins any group as the person (strict durability). */
  async setPerson(record: string): Promise<void> {
    const tx = this.db.transaction(SETTINGS, 'readwrite', { durability: 'strict' })
    await tx.store.put(record, 'person')
    await tx.done
  }

  /** On the person's first device: the person's own group of devices (hex id), once made. */
  async personGroup(): Promise<string | undefined> {
    return (await this.db.get(SETTINGS, 'personGroup')) as string | undefined
  }

  async setPersonGroup(id: string): Promise<void> {
    const tx = this.db.transaction(SETTINGS, 'readwrite', { durability: 'strict' })
    await tx.store.put(id, 'personGroup')
    await tx.done
  }

  /** Whether a restore of a backup began and did not finish (backup/interrupted-restore.ts clears what it wrote). */
  async restoring(): Promise<boolean> {
    return ((await this.db.get(SETTINGS, 'restoring')) as boolean | undefined) === true
  }

  async setRestoring(restoring: boolean): Promise<void> {
    const tx = this.db.transaction(SETTINGS, 'readwrite', { durability: 'strict' })
    await (restoring ? tx.store.put(true, 'restoring') : tx.store.delete('restoring'))
    await tx.done
  }

  /**
   * Becomes the device of a restored backup: its key and settings replace
   * this tab's, in one durable transaction that also ends the restore.
   */
  async adoptRestored(key: Uint8Array, settings: RestoredSettings): Promise<void> {
    const tx = this.db.transaction(SETTINGS, 'readwrite', { durability: 'strict' })
    await tx.store.put(key, 'key')
    for (const name of ['name', 'relays', 'presence', 'verified', 'person', 'personGroup'] as const) {
      const value = settings[name]
      await (value === undefined ? tx.store.delete(name) : tx.store.put(value, name))
    }
    await tx.store.delete('restoring')
    await tx.done
  }

  close(): void {
    this.db.close()
  }
}
