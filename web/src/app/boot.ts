/**
 * Starts this tab as a Causette peer: its device (key, name, relays), its
 * store (IndexedDB, persistent storage asked for), where the daemon or
 * relays are, then the peer with every group it holds. Each step reports
 * what it is doing, for the first screen.
 */
import { type DeviceLinkingInit, parsePersonRecord, personRecordText, toHex } from '@causette/core'
import { clearInterruptedRestore } from '../backup/interrupted-restore.ts'
import { thisBrowser } from '../devices/this-browser.ts'
import { loadAppConfig } from '../peer/app-config.ts'
import { DeviceIdentity } from '../peer/device-identity.ts'
import { followLanPeers } from '../peer/lan-peers.ts'
import { holdDevice } from '../peer/one-tab.ts'
import { startTabPeer } from '../peer/tab-peer.ts'
import { exportTabSettings, importTabSettings } from '../peer/tab-person-settings.ts'
import { TabSettingsFollow } from '../peer/tab-settings-follow.ts'
import { openTabStore } from '../peer/tab-store.ts'
import { TabPreferences } from '../settings/tab-preferences.ts'
import { exposeDiagnostics } from './diagnostics.ts'
import { NamePublisher } from './name-publisher.ts'
import type { Session } from './session.ts'
import { TabNotifications } from './tab-notifications.ts'

export async function boot(progress: (step: string) => void): Promise<Session> {
  progress('Opening this device…')
  await holdDevice()
  const identity = await DeviceIdentity.open()
  const { key, created } = await identity.key()
  progress(created ? 'Made this device’s key' : 'Opening your groups…')
  const { store, persistence } = await openTabStore(key.publicKey)
  await clearInterruptedRestore(identity, store)
  const config = await loadAppConfig(await identity.relays())
  const preferences = await TabPreferences.open(identity)
  progress('Going online…')
  // whose device this tab is, once linked to a person, and what linking hands over (docs/devices.md)
  const record = await identity.person()
  const personGroup = await identity.personGroup()
  let names: NamePublisher | undefined
  // the person's settings follow their devices after linking too (peer/tab-settings-follow.ts)
  const follow = new TabSettingsFollow(identity, preferences, {
    write: (setting, value) => peer.devices.changeSetting(setting, value),
    person: () => peer.libp2p.services.groups.personKey(),
    named: (name) => names?.set(name),
    presence: (sharing) => peer.signals.setSharing(sharing)
  })
  const linking: DeviceLinkingInit = {
    ...(record === undefined ? {} : { linked: parsePersonRecord(record, key) }),
    ...(personGroup === undefined ? {} : { personGroup }),
    keepPersonGroup: (id) => identity.setPersonGroup(id),
    keepPerson: (claim) => identity.setPerson(personRecordText(claim)),
    selfName: thisBrowser,
    exportSettings: () => exportTabSettings(identity, preferences),
    importSettings: async (bytes) => {
      const name = await follow.quietly(() => importTabSettings(bytes, identity, preferences, peer.libp2p.services.groups.personKey()))
      if (name !== undefined) names?.set(name)
    },
    applySettings: (changes) => follow.apply(changes)
  }
  const peer = await startTabPeer(key, { store, blobs: store.blobs }, config, await identity.sharesPresence(), linking)
  exposeDiagnostics(peer)
  follow.watch()
  const refreshLan = followLanPeers(peer, config)
  // away while the tab is hidden (another tab, a minimised window, a locked screen)
  const visibility = (): void => peer.signals.setAway(document.visibilityState === 'hidden')
  document.addEventListener('visibilitychange', visibility)
  visibility()
  const me = toHex(key.publicKey)
  names = new NamePublisher(peer, me)
  const name = await identity.displayName()
  if (name !== undefined) names.set(name)
  const notifications = new TabNotifications(peer, preferences)
  return { peer, store, persistence, identity, config, me, names, refreshLan, preferences, notifications }
}
