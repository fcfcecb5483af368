/**
 * The Node daemon's share of the libp2p node (core adds Noise, yamux,
 * identify and gossipsub): TCP and WebSockets listeners for peers that can
 * reach it directly, WebRTC and circuit relay so browsers and peers behind
 * NAT can, mDNS to find peers on the LAN with no configuration, and
 * Noise's cipher with key objects made once per session (noise-crypto.ts).
 */
import type { Libp2pParts } from '@causette/core'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { mdns } from '@libp2p/mdns'
import { tcp } from '@libp2p/tcp'
import { webRTC } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { nodeNoiseCrypto } from '../noise-crypto.ts'
import type { DaemonOptions } from './daemon-options.ts'

export function libp2pParts(options: DaemonOptions): Libp2pParts {
  const { p2pPort, listenHost } = options
  return {
    transports: [tcp(), webSockets(), webRTC(), circuitRelayTransport()],
    listen: [
      `/ip4/${listenHost}/tcp/${p2pPort}`,
      `/ip4/${listenHost}/tcp/${p2pPort === 0 ? 0 : p2pPort + 1}/ws`,
      // accept WebRTC connections negotiated over a relayed connection
      '/webrtc',
      // a reservation on each configured relay: reachable through it
      ...options.relays.map((relay) => `${relay}/p2p-circuit`)
    ],
    noise: { crypto: nodeNoiseCrypto },
    ...(options.mdns ? { peerDiscovery: [mdns()] } : {})
  }
}

/** The address a "port in use" failure of libp2p names, if that is what it was. */
export function addressInUse(err: unknown): string | undefined {
  const text = err instanceof Error ? `${err.message} ${String((err as { cause?: unknown }).cause ?? '')}` : String(err)
  return /EADDRINUSE[^\n]*?(\d+\.\d+\.\d+\.\d+:\d+)/.exec(text)?.[1]
}
