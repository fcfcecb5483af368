/**
 * The session: this tab's peer, its device and what the UI reads of them,
 * made once at boot and handed to every screen through one context
 * (STYLE.md: one context provides the core client).
 */
import type { CausettePeer, Store } from '@causette/core'
import { createContext, useContext } from 'solid-js'
import type { AppConfig } from '../peer/app-config.ts'
import type { DeviceIdentity } from '../peer/device-identity.ts'
import type { TabPreferences } from '../settings/tab-preferences.ts'
import type { PersistenceAnswer } from '../store/persistent-storage.ts'
import type { NamePublisher } from './name-publisher.ts'
import type { TabNotifications } from './tab-notifications.ts'

export interface Session {
  peer: CausettePeer
  store: Store
  /** Whether the browser agreed to keep the data under storage pressure. */
  persistence: PersistenceAnswer
  identity: DeviceIdentity
  config: AppConfig
  /** This device's key, hex: how the UI tells its own messages apart. */
  me: string
  /** Asks the serving daemon again for the LAN's daemons and takes them as discovered (peer/lan-peers.ts). */
  refreshLan: () => Promise<void>
  /** Writes the person's display name into each group (name-publisher.ts). */
  names: NamePublisher
  /** Read receipts, mutes and notifications: this device's own choices (settings/tab-preferences.ts). */
  preferences: TabPreferences
  /** The browser's notifications of mentions and replies (tab-notifications.ts). */
  notifications: TabNotifications
}

export const SessionContext = createContext<Session>()

export function useSession(): Session {
  const session = useContext(SessionContext)
  if (session === undefined) throw new Error('useSession outside <SessionContext.Provider>')
  return session
}
