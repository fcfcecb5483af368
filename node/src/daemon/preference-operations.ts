/**
 * What the control API can ask about this device's choices for its groups
 * (device-preferences.ts): muting a group for a while or until unmuted,
 * which of its messages notify, and whether this device sends read receipts.
 */
import type { MuteResponse, NotifyLevel, NotifyResponse, ReceiptsSetting } from '../api/api-types.ts'
import type { DaemonParts } from './daemon.ts'

export class PreferenceOperations {
  private readonly parts: Pick<DaemonParts, 'directory' | 'preferences'>

  constructor(parts: Pick<DaemonParts, 'directory' | 'preferences'>) {
    this.parts = parts
  }

  /** Mutes the group for `forMs`, or until unmuted when it is left out. */
  mute(ref: string, forMs?: number): MuteResponse {
    const known = this.parts.directory.resolve(ref)
    return { group: known.ref, muted: this.parts.preferences.setMute(known.idHex, forMs) }
  }

  unmute(ref: string): MuteResponse {
    const known = this.parts.directory.resolve(ref)
    this.parts.preferences.unmute(known.idHex)
    return { group: known.ref }
  }

  setNotifyLevel(ref: string, level: NotifyLevel): NotifyResponse {
    const known = this.parts.directory.resolve(ref)
    this.parts.preferences.setNotifyLevel(known.idHex, level)
    return { group: known.ref, notify: level }
  }

  receipts(): ReceiptsSetting {
    return { sending: this.parts.preferences.sendsReceipts }
  }

  setReceipts(sending: boolean): ReceiptsSetting {
    this.parts.preferences.setSendsReceipts(sending)
    return this.receipts()
  }
}
