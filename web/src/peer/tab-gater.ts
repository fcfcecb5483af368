/**
 * Which addresses a tab may dial. libp2p's browser default refuses plain
 * ws:// and private addresses (a browser wastes its few connections on
 * them, and prints errors for insecure transports). The one exception a tab
 * needs is the daemon that served it, on this machine: loopback, over plain
 * WebSockets (its page is http://127.0.0.1 too), and the relayed and WebRTC
 * addresses through it. Everything else keeps libp2p's default.
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

export function denyDialMultiaddr(address: Multiaddr): boolean {
  if (isLoopback(address)) return false
  return WebSockets.matches(address) || isPrivate(address)
}
