/**
 * A full Causette peer in this tab: core's CausettePeer with the browser's
 * transports (WebSockets to the daemon or a relay, WebRTC between tabs,
 * circuit relay), a slot reserved on each first hop so others reach the
 * tab, relayed connections upgraded to WebRTC (webrtc-upgrade.ts), and, on
 * community relays, their blind mailboxes for members never online with
 * this tab (core/src/mailbox). Files are kept in IndexedDB beside the groups
 * (store/idb-blobs.ts), so they outlive a reload.
 */
import {
  type BlobStore,
  CausettePeer,
  connectionHandover,
  type DeviceKey,
  type DeviceLinkingInit,
  mailboxes,
  relayReservations,
  type Store
} from '@causette/core'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { FaultTolerance } from '@libp2p/interface'
import { webRTC } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import type { AppConfig } from './app-config.ts'
import { denyDial } from './tab-gater.ts'
import { webRtcUpgrade } from './webrtc-upgrade.ts'

type Services = NonNullable<Parameters<typeof CausettePeer.create>[0]['services']>
type Service = Services[string]

/**
 * `blobs`: where files are kept (IndexedDB, store/idb-blobs.ts). `sharePresence`: whether the groups see when the person is online,
 * away or typing (the settings' choice). `linking`: whose device this tab is and how it keeps that (docs/devices.md).
 */
export async function startTabPeer(
  key: DeviceKey,
  stores: { store: Store; blobs: BlobStore },
  config: AppConfig,
  sharePresence: boolean,
  linking: DeviceLinkingInit = {}
): Promise<CausettePeer> {
  const daemon = config.daemon?.addresses ?? []
  const firstHops = [...daemon, ...config.relays]
  const services: Services = {
    webRtcUpgrade: webRtcUpgrade() as unknown as Service,
    connectionHandover: connectionHandover() as unknown as Service
  }
  if (firstHops.length > 0) services['relayReservations'] = relayReservations({ relays: firstHops }) as unknown as Service
  // the daemon is a peer and a relay for its tabs, not a mailbox: only community relays keep groups
  if (config.relays.length > 0) services['mailboxes'] = mailboxes({ relays: config.relays }) as unknown as Service
  const peer = await CausettePeer.create({
    key,
    store: stores.store,
    blobs: stores.blobs,
    sharePresence,
    linking,
    ...(linking.linked === undefined ? {} : { person: { person: linking.linked.person, certificate: linking.linked.certificate } }),
    transports: [webSockets(), webRTC(), circuitRelayTransport()],
    listen: [...firstHops.map((hop) => `${hop}/p2p-circuit`), '/webrtc'],
    // a tab served by a daemon is on a machine of a LAN: it may dial the LAN's other daemons (tab-gater.ts)
    connectionGater: { denyDialMultiaddr: (address) => denyDial(address, config.daemon !== undefined) },
    services,
    // an unreachable relay or daemon must not stop the tab: relayReservations listens on it when it comes back
    options: { transportManager: { faultTolerance: FaultTolerance.NO_FATAL } }
  })
  await peer.start()
  return peer
}
