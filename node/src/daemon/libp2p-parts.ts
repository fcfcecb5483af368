/**
 * The Node daemon's share of the libp2p node (core adds Noise, yamux,
 * identify and gossipsub): TCP and WebSockets listeners for peers that can
 * reach it directly, circuit relay so peers behind NAT can (and WebRTC
 * over it, when the daemon has relays), mDNS to find peers on the LAN with
 * no configuration (Noise's faster cipher comes with the daemon's other
 * Node parts, node-peer-parts.ts).
 *
 * A slot on each relay is kept by core's relayReservations service, which
 * reserves again when the relay restarts (js-libp2p does not), and the
 * relays are asked whether they can dial the daemon back
 * (reachability-check.ts). DCUtR turns a relayed connection between two
 * daemons into a direct one where a direct path exists (docs/networking.md).
 *
 * WebRTC is loaded only for a daemon with relays: a WebRTC connection to it
 * is negotiated over a relayed one, so without a relay nobody can open one,
 * and its native binding is a large share of an idle daemon's memory.
 */
import { connectionHandover, type Libp2pParts, mailboxes, relayReservations } from '@causette/core'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { dcutr } from '@libp2p/dcutr'
import { FaultTolerance } from '@libp2p/interface'
import { mdns } from '@libp2p/mdns'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import type { DaemonOptions } from './daemon-options.ts'
import { reachabilityCheck } from './reachability-check.ts'
import { tabRelay } from './tab-relay.ts'

export async function libp2pParts(options: DaemonOptions): Promise<Libp2pParts> {
  const { p2pPort, listenHost } = options
  // one reservation under way per relay: with js-libp2p's default of one at a time, a second configured relay's
  // reservation never started and the daemon's start hung (seen with two --relay; docs/networking.md)
  const relayed = circuitRelayTransport({ reservationConcurrency: Math.max(1, options.relays.length) })
  const transports: Libp2pParts['transports'] = [tcp(), webSockets(), relayed]
  const listen = [`/ip4/${listenHost}/tcp/${p2pPort}`, `/ip4/${listenHost}/tcp/${p2pPort === 0 ? 0 : p2pPort + 1}/ws`]
  if (options.relays.length > 0) {
    const { webRTC } = await import('@libp2p/webrtc')
    transports.push(webRTC())
    // a reservation on each configured relay (reachable through it), and WebRTC connections negotiated over one
    listen.push(...options.relays.map((relay) => `${relay}/p2p-circuit`), '/webrtc')
  }
  return {
    transports,
    listen,
    ...(options.mdns ? { peerDiscovery: [mdns()] } : {}),
    // a relay that cannot be reached must not fail the start: relayReservations listens on it later, and the
    // daemon checks its own TCP port itself (tcpListenFailure)
    ...(options.relays.length > 0 ? { options: { transportManager: { faultTolerance: FaultTolerance.NO_FATAL } } } : {}),
    services: {
      // the first peer of the web app's tabs: they reach each other through it (tab-relay.ts)
      tabRelay: tabRelay(),
      // both ends of a relayed connection take part: the one that dialled through the relay answers the other's upgrade
      dcutr: dcutr(),
      // so that gossip moves onto the direct connection when DCUtR closes the relayed one
      // (it uses core's identify service, which libp2p passes among the components; the options' type knows only its own parts)
      connectionHandover: connectionHandover() as (components: unknown) => unknown,
      ...(options.relays.length > 0
        ? {
            // js-libp2p reserves on a configured relay only once: this reserves again after a relay restarts or the link drops
            relayReservations: relayReservations({ relays: options.relays }),
            reachabilityCheck: reachabilityCheck({ relays: options.relays }),
            // the relays keep this device's groups in their mailboxes (core/src/mailbox), for members never online with it;
            // libp2p hands it the groups service too (core's services are merged in beside these)
            mailboxes: mailboxes({ relays: options.relays }) as unknown as NonNullable<Libp2pParts['services']>[string]
          }
        : {})
    }
  }
}

/** The address a "port in use" failure of libp2p names, if that is what it was. */
export function addressInUse(err: unknown): string | undefined {
  const text = err instanceof Error ? `${err.message} ${String((err as { cause?: unknown }).cause ?? '')}` : String(err)
  return /EADDRINUSE[^\n]*?(\d+\.\d+\.\d+\.\d+:\d+)/.exec(text)?.[1]
}

/**
 * With relays, libp2p's start tolerates listen failures (an unreachable
 * relay), so a TCP port already in use no longer fails it: the address the
 * daemon meant to listen on, when it is not listening there.
 */
export function tcpListenFailure(addresses: string[], options: Pick<DaemonOptions, 'listenHost' | 'p2pPort'>): string | undefined {
  const port = options.p2pPort === 0 ? '\\d+' : String(options.p2pPort)
  const own = new RegExp(`^/ip[46]/[^/]+/tcp/${port}/p2p/[^/]+$`)
  return addresses.some((a) => own.test(a)) ? undefined : `${options.listenHost}:${options.p2pPort}`
}
