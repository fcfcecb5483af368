/**
 * Where this tab finds other peers. Served by a daemon, the page's
 * `config.json` names the daemon (its peer id and WebSockets address on
 * loopback); served as static files from any other host there is none, and
 * the community relays in the settings are the way in.
 */

export interface LanPeer {
  peerId: string
  addresses: string[]
}

export interface AppConfig {
  /** The daemon that served this page, when one did. */
  daemon?: { peerId: string; addresses: string[] }
  /** Daemons of the LAN the serving daemon knows (its mDNS finds them), with their WebSockets addresses. */
  lan?: LanPeer[]
  /** Community relays (multiaddrs) from the settings. */
  relays: string[]
}

/** Reads `config.json` beside the page; a host without one (plain static files) gives no daemon. */
export async function loadAppConfig(relays: string[]): Promise<AppConfig> {
  try {
    const response = await fetch('./config.json', { cache: 'no-store' })
    if (!response.ok) return { relays }
    const body = (await response.json()) as { daemon?: unknown; lan?: unknown }
    const daemon = peerOf(body.daemon)
    if (daemon === undefined) return { relays }
    const lan = Array.isArray(body.lan) ? body.lan.map(peerOf).filter((p): p is LanPeer => p !== undefined) : []
    return { daemon, lan, relays }
  } catch {
    return { relays }
  }
}

/** A peer as config.json gives it; undefined for anything else. */
function peerOf(value: unknown): LanPeer | undefined {
  const peer = value as { peerId?: unknown; addresses?: unknown } | undefined
  if (typeof peer?.peerId !== 'string' || !Array.isArray(peer.addresses)) return undefined
  return { peerId: peer.peerId, addresses: peer.addresses.filter((a): a is string => typeof a === 'string') }
}
