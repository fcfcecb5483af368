/**
 * Which addresses a tab may dial. libp2p's browser default refuses plain
 * ws:// and private addresses (a browser wastes its few connections on
 * them, and prints errors for insecure transports). A tab needs two
 * exceptions, and only these:
 *
 * - loopback (127.0.0.0/8, ::1, localhost): the daemon that served the page,
 *   which is itself http://127.0.0.1, and the relayed and WebRTC addresses
 *   through it;
 * - when a daemon served the page (the tab is on a machine of a LAN), the
 *   private IPv4 ranges: the other daemons of the LAN, which every daemon
 *   listens for on WebSockets, so a tab on a LAN with no internet chats
 *   with the other machines on it (their invites carry those addresses).
 *   A page from any other host keeps libp2p's default.
 */
import { isPrivate } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'
import { WebSockets } from '@multiformats/multiaddr-matcher'

/** The address is on this machine (its first hop, for a relayed one). */
export function isLoopback(address: Multiaddr): boolean {
  const first = address.getComponents()[0]
  if (first === undefined) return false
  if (first.name === 'ip4') return first.value?.startsWith('127.') === true
  if (first.name === 'ip6') return first.value === '::1'
  return first.name === 'dns' || first.name === 'dns4' ? first.value === 'localhost' : false
}

const LAN_RANGES = [/^10\./, /^192\.168\./, /^172\.(1[6-9]|2\d|3[01])\./, /^169\.254\./]

/** The address's first hop is a private IPv4 address: a machine of the LAN. */
export function isLan(address: Multiaddr): boolean {
  const first = address.getComponents()[0]
  return first?.name === 'ip4' && LAN_RANGES.some((range) => range.test(first.value ?? ''))
}

/** The gater's rule: `lan` when a daemon served the page. */
export function denyDial(address: Multiaddr, lan: boolean): boolean {
  if (isLoopback(address) || (lan && isLan(address))) return false
  return WebSockets.matches(address) || isPrivate(address)
}
