/**
 * The LAN's daemons, as the daemon that served this tab knows them (its
 * mDNS finds them): the tab takes each as a discovered peer — core's member
 * links dial a stranger once, to learn whether it shares a group, and keep
 * the members — and asks the daemon again every LAN_REFRESH_MS for
 * machines that came since.
 */
import type { CausettePeer } from '@causette/core'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { type AppConfig, type LanPeer, loadAppConfig } from './app-config.ts'

const LAN_REFRESH_MS = 30_000

function discover(peer: CausettePeer, lan: readonly LanPeer[]): void {
  for (const found of lan) {
    if (found.peerId === peer.peerId) continue
    try {
      peer.libp2p.services.memberLinks.discovered({ id: peerIdFromString(found.peerId), multiaddrs: found.addresses.map((a) => multiaddr(a)) })
    } catch {
      // an id or address this tab cannot read: not a peer it can dial
    }
  }
}

/**
 * Follows the LAN's daemons for as long as the page lives (a tab served by a
 * daemon only); returns what asks the daemon again at once (a join, which
 * may need a machine that came a moment ago).
 */
export function followLanPeers(peer: CausettePeer, config: AppConfig): () => Promise<void> {
  if (config.daemon === undefined) return async () => {}
  discover(peer, config.lan ?? [])
  const refresh = async (): Promise<void> => {
    const now = await loadAppConfig(config.relays).catch(() => undefined)
    if (now !== undefined) discover(peer, now.lan ?? [])
  }
  setInterval(() => void refresh(), LAN_REFRESH_MS)
  return refresh
}
