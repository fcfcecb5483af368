/**
 * Moves a tab's relayed connections onto direct WebRTC ones. Two tabs first
 * meet through a relay (the daemon that served them, or a community relay):
 * a limited circuit, which the relay cuts after a while. When such a
 * connection opens, the tab dials the same peer over WebRTC, negotiated
 * over that circuit; once the WebRTC connection is up, the relayed one is
 * closed and core's connectionHandover moves gossip and sync onto the
 * direct one. A peer that cannot do WebRTC (a daemon with no relay) keeps
 * the relayed connection, and member links dial again when it is cut.
 */
import type { ComponentLogger, Connection, Libp2pEvents, Logger, Startable, TypedEventTarget } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'
import { multiaddr } from '@multiformats/multiaddr'

export interface WebRtcUpgradeComponents {
  events: TypedEventTarget<Libp2pEvents>
  connectionManager: ConnectionManager
  logger: ComponentLogger
}

/** How long a WebRTC negotiation may take before the relayed connection is left as it is. */
const UPGRADE_TIMEOUT_MS = 15_000

/** The WebRTC address of the peer at the end of a relayed address: …/p2p-circuit/webrtc/p2p/<peer>. */
export function webRtcAddressOf(relayed: string, peer: string): string | undefined {
  const at = relayed.indexOf('/p2p-circuit')
  if (at < 0 || relayed.includes('/webrtc')) return undefined
  return `${relayed.slice(0, at)}/p2p-circuit/webrtc/p2p/${peer}`
}

class WebRtcUpgrade implements Startable {
  private readonly components: WebRtcUpgradeComponents
  private readonly log: Logger
  private readonly upgrading = new Set<string>()
  private readonly controller = new AbortController()
  private readonly onOpen = (evt: CustomEvent<Connection>): void => this.upgrade(evt.detail)

  constructor(components: WebRtcUpgradeComponents) {
    this.components = components
    this.log = components.logger.forComponent('causette:webrtc-upgrade')
  }

  readonly [Symbol.toStringTag] = 'causette/webrtc-upgrade'

  start(): void {
    this.components.events.addEventListener('connection:open', this.onOpen)
  }

  stop(): void {
    this.components.events.removeEventListener('connection:open', this.onOpen)
    this.controller.abort()
  }

  private upgrade(connection: Connection): void {
    const peer = connection.remotePeer.toString()
    const address = webRtcAddressOf(connection.remoteAddr.toString(), peer)
    if (connection.limits === undefined || address === undefined || this.upgrading.has(peer)) return
    this.upgrading.add(peer)
    const signal = AbortSignal.any([this.controller.signal, AbortSignal.timeout(UPGRADE_TIMEOUT_MS)])
    this.components.connectionManager
      .openConnection(multiaddr(address), { signal, force: true })
      .then(async (direct) => {
        this.log('%p now on WebRTC (%a)', connection.remotePeer, direct.remoteAddr)
        await connection.close().catch(() => undefined)
      })
      .catch((err: Error) => this.log('%p stays relayed: %s', connection.remotePeer, err.message))
      .finally(() => this.upgrading.delete(peer))
  }
}

export function webRtcUpgrade(): (components: WebRtcUpgradeComponents) => Startable {
  return (components) => new WebRtcUpgrade(components)
}
