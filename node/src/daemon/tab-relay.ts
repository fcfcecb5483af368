/**
 * The daemon as the first peer of the browser tabs it serves: a circuit
 * relay (v2) they reserve a slot on, so one tab reaches another (and then
 * upgrades to a direct WebRTC connection, negotiated over the relayed one),
 * and the address a tab dials to reach the daemon itself: its WebSockets
 * listener on loopback, which is what the page's origin is on.
 *
 * The relay keeps libp2p's default circuit limits (2 minutes, 128 KiB): a
 * tab's traffic with the daemon runs over its own WebSockets connection,
 * and between two tabs over WebRTC; the relayed circuit only carries that
 * negotiation, and chat for the moment before it. The community relay
 * (relay/) is for the internet; this one is for the tabs of this machine
 * and its LAN (docs/web-app.md).
 */
import type { CausettePeer } from '@causette/core'
import { circuitRelayServer } from '@libp2p/circuit-relay-v2'

/** Reservations the daemon grants: tabs on this machine, with room for a few LAN peers. */
export const TAB_RESERVATIONS = 32

export function tabRelay(): ReturnType<typeof circuitRelayServer> {
  return circuitRelayServer({ reservations: { maxReservations: TAB_RESERVATIONS } })
}

/** Where a tab served by this daemon finds it: its peer id and WebSockets addresses on loopback. */
export function tabDaemon(peer: CausettePeer): { peerId: string; addresses: string[] } {
  const addresses = peer.multiaddrs().filter((a) => /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\//.test(a))
  return { peerId: peer.peerId, addresses }
}

/** Daemons announced or met on the LAN, for the tabs: at most this many, most recently seen first. */
export const LAN_PEERS_FOR_TABS = 32
const LAN_WEBSOCKETS = /^\/ip4\/(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|169\.254\.)[\d.]+\/tcp\/\d+\/ws(\/|$)/

/**
 * The daemons of the LAN this one knows, each with its WebSockets addresses
 * on the LAN (what a tab can dial): so that a tab served here finds the
 * machines this daemon found by mDNS, as the daemon itself does.
 */
export async function lanPeers(peer: CausettePeer): Promise<Array<{ peerId: string; addresses: string[] }>> {
  const self = peer.peerId
  const found: Array<{ peerId: string; addresses: string[]; seen: number }> = []
  for (const known of await peer.libp2p.peerStore.all()) {
    const peerId = known.id.toString()
    if (peerId === self) continue
    const addresses = known.addresses.map((a) => a.multiaddr.toString()).filter((a) => LAN_WEBSOCKETS.test(a))
    if (addresses.length === 0) continue
    const seen = Number(known.metadata.get('last-dial-success') ?? 0) || 0
    found.push({ peerId, addresses: addresses.map((a) => (a.includes('/p2p/') ? a : `${a}/p2p/${peerId}`)), seen })
  }
  return found
    .sort((a, b) => b.seen - a.seen)
    .slice(0, LAN_PEERS_FOR_TABS)
    .map(({ peerId, addresses }) => ({ peerId, addresses }))
}
