/**
 * Typing and presence from the daemon's side: saying "typing" in a group
 * (an app on the API as the person types; `causette typing`), and whether
 * this device shares its presence and typing at all — a setting kept in
 * the data directory ('presence': 'off'), applied at every start.
 */
import type { DaemonParts } from './daemon.ts'

export interface PresenceSetting {
  /** This device tells its groups when it is online, away, or typing. */
  sharing: boolean
}

export class SignalOperations {
  private readonly parts: Pick<DaemonParts, 'directory' | 'peer' | 'settings'>

  constructor(parts: Pick<DaemonParts, 'directory' | 'peer' | 'settings'>) {
    this.parts = parts
  }

  /** Says this device is typing in the group (for a few seconds, unless said again), or that it stopped. */
  async typing(ref: string, typing: boolean): Promise<{ group: string; typing: boolean; sharing: boolean }> {
    const { directory, peer } = this.parts
    const known = directory.resolve(ref)
    const log = await directory.openLog(known)
    peer.signals.setTyping(log.idHex, typing)
    return { group: known.idHex, typing, sharing: peer.signals.sharing }
  }

  presence(): PresenceSetting {
    return { sharing: this.parts.peer.signals.sharing }
  }

  setPresence(sharing: boolean): PresenceSetting {
    this.parts.settings.set('presence', sharing ? 'on' : 'off')
    this.parts.peer.signals.setSharing(sharing)
    return this.presence()
  }
}

/** Whether a daemon starting on these settings shares presence (on unless turned off). */
export function sharesPresence(settings: Pick<DaemonParts['settings'], 'get'>): boolean {
  return settings.get('presence') !== 'off'
}
