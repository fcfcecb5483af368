/**
 * This device's own choices, which never enter a log: whether it sends read
 * receipts (and, while it does not, how far the person read each group),
 * which groups are muted and until when, and whether mentions notify. Kept
 * in the device's IndexedDB settings (peer/device-identity.ts), held in
 * memory, with a signal that changes with them so what shows them follows.
 */
import type { ReadPosition } from '@causette/core'
import { type Accessor, createSignal, type Setter } from 'solid-js'
import type { DeviceIdentity, StoredPreferences } from '../peer/device-identity.ts'

/** A mute with no end is stored as 0. */
const UNTIL_UNMUTED = 0

export class TabPreferences {
  /** Changes whenever a preference does: read it in what shows them. */
  readonly changed: Accessor<number>
  private readonly setChanged: Setter<number>
  private readonly identity: DeviceIdentity
  private readonly stored: StoredPreferences
  /** Told of each of the person's settings kept here that changes (receipts, a mute: peer/tab-settings-follow.ts). */
  onSettingChange: ((setting: string, value: string) => void) | undefined

  private constructor(identity: DeviceIdentity, stored: StoredPreferences) {
    this.identity = identity
    this.stored = stored
    ;[this.changed, this.setChanged] = createSignal(0)
  }

  static async open(identity: DeviceIdentity): Promise<TabPreferences> {
    const stored = await identity.preferences()
    return new TabPreferences(identity, { receipts: true, readPositions: {}, mutes: {}, notify: false, ...stored })
  }

  get sendsReceipts(): boolean {
    this.changed()
    return this.stored.receipts
  }

  get notifies(): boolean {
    this.changed()
    return this.stored.notify
  }

  readPosition(groupId: string): ReadPosition {
    const readUpTo = this.stored.readPositions[groupId]
    return readUpTo === undefined ? {} : { readUpTo }
  }

  /** Muted until (ms), `Infinity` until unmuted, or undefined when not muted (a mute that ran out ends by itself). */
  mutedUntil(groupId: string, now = Date.now()): number | undefined {
    this.changed()
    const until = this.stored.mutes[groupId]
    if (until === undefined) return undefined
    if (until === UNTIL_UNMUTED) return Number.POSITIVE_INFINITY
    return until > now ? until : undefined
  }

  async setReceipts(receipts: boolean): Promise<void> {
    const before = this.stored.receipts
    await this.save({ receipts })
    if (before !== receipts) this.onSettingChange?.('receipts', receipts ? 'on' : 'off')
  }

  setNotify(notify: boolean): Promise<void> {
    return this.save({ notify })
  }

  setReadPosition(groupId: string, messageId: string): Promise<void> {
    return this.save({ readPositions: { ...this.stored.readPositions, [groupId]: messageId } })
  }

  /** Mutes the group for `forMs`, or until unmuted when it is left out. */
  mute(groupId: string, forMs?: number): Promise<void> {
    return this.muteUntil(groupId, forMs === undefined ? undefined : Date.now() + forMs)
  }

  /** Mutes the group until then (ms), or until unmuted when it is left out. */
  async muteUntil(groupId: string, until?: number): Promise<void> {
    const kept = until ?? UNTIL_UNMUTED
    if (this.stored.mutes[groupId] === kept) return
    await this.save({ mutes: { ...this.stored.mutes, [groupId]: kept } })
    this.onSettingChange?.(`mute:${groupId}`, kept === UNTIL_UNMUTED ? 'forever' : String(kept))
  }

  async unmute(groupId: string): Promise<void> {
    if (!(groupId in this.stored.mutes)) return
    const { [groupId]: _gone, ...mutes } = this.stored.mutes
    await this.save({ mutes })
    this.onSettingChange?.(`mute:${groupId}`, '')
  }

  /** What is kept now, to hand a new device of the person (peer/tab-person-settings.ts). */
  snapshot(): StoredPreferences {
    return structuredClone(this.stored)
  }

  /** Takes preferences another device of the person handed over. */
  adopt(change: Partial<StoredPreferences>): Promise<void> {
    return this.save(change)
  }

  private async save(change: Partial<StoredPreferences>): Promise<void> {
    Object.assign(this.stored, change)
    this.setChanged((n) => n + 1)
    await this.identity.setPreferences({ ...this.stored })
  }
}
