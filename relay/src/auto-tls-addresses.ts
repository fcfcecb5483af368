/**
 * The names AutoTLS's certificate covers, and the secure WebSockets
 * addresses a relay announces with it. The forge names each public IP
 * address of a peer `<ip with dashes>.<peer id in base36>.<forge domain>`
 * (IPv6: colons as dashes, a leading or trailing one padded with 0) and
 * the certificate is for `*.<peer id in base36>.<forge domain>`.
 *
 * libp2p maps the addresses it listens on to those names itself; an
 * operator's `--announce` list replaces them, so for a relay that
 * announces, the secure WebSockets address of each public WebSockets
 * address it announces is added here, in libp2p's own form:
 * `/ip4/<ip>/tcp/<port>/tls/sni/<name>/ws` (dialled without DNS).
 */
import type { PeerId } from '@libp2p/interface'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { base36 } from 'multiformats/bases/base36'
import { isPublicWebSocketsAddress } from './relay-config.ts'

/** `<peer id in base36>.<forge domain>`: the certificate is for `*.` this. */
export function autoTlsDomain(peerId: PeerId, forgeDomain: string): string {
  return `${base36.encode(peerId.toCID().bytes)}.${forgeDomain}`
}

/** The forge's name for one IP address. */
export function nameForIp(ip: string, domain: string): string {
  if (!ip.includes(':')) return `${ip.replaceAll('.', '-')}.${domain}`
  let dashed = ip.replaceAll(':', '-')
  if (dashed.startsWith('-')) dashed = `0${dashed}`
  if (dashed.endsWith('-')) dashed = `${dashed}0`
  return `${dashed}.${domain}`
}

/** For each public `/ip4|ip6/…/tcp/<port>/ws` among `addresses`, its secure WebSockets address under `domain`. */
export function secureWebSocketsAddresses(addresses: Multiaddr[], domain: string): Multiaddr[] {
  const out: Multiaddr[] = []
  for (const address of addresses) {
    const text = address.toString()
    if (!isPublicWebSocketsAddress(text)) continue
    const [, family, ip, port, peer] = /^\/(ip4|ip6)\/([^/]+)\/tcp\/(\d+)\/ws(\/p2p\/[^/]+)?$/.exec(text) as string[]
    out.push(multiaddr(`/${family}/${ip}/tcp/${port}/tls/sni/${nameForIp(ip as string, domain)}/ws${peer ?? ''}`))
  }
  return out
}
