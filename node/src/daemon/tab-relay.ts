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
