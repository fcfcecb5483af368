/**
 * Where this tab finds other peers. Served by a daemon, the page's
 * `config.json` names the daemon (its peer id and WebSockets address on
 * loopback); served as static files from any other host there is none, and
 * the community relays in the settings are the way in.
 */

export interface AppConfig {
  /** The daemon that served this page, when one did. */
  daemon?: { peerId: string; addresses: string[] }
  /** Community relays (multiaddrs) from the settings. */
  relays: string[]
}

/** Reads `config.json` beside the page; a host without one (plain static files) gives no daemon. */
export async function loadAppConfig(relays: string[]): Promise<AppConfig> {
  try {
    const response = await fetch('./config.json', { cache: 'no-store' })
    if (!response.ok) return { relays }
    const body = (await response.json()) as { daemon?: { peerId?: unknown; addresses?: unknown } }
    const daemon = body.daemon
    if (typeof daemon?.peerId !== 'string' || !Array.isArray(daemon.addresses)) return { relays }
    const addresses = daemon.addresses.filter((a): a is string => typeof a === 'string')
    return { daemon: { peerId: daemon.peerId, addresses }, relays }
  } catch {
    return { relays }
  }
}
