/**
 * Assembles the libp2p node of a Causette peer. Core always supplies Noise,
 * yamux, identify, gossipsub and its own services (core-services.ts); the
 * runtime supplies what is its own (transports, discovery, listen
 * addresses, gater, relay services).
 */
import { type NoiseInit, noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { type GossipSub, gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { Libp2p, PeerDiscoveryEvents, PeerInfo } from '@libp2p/interface'
import { createLibp2p, type Libp2pOptions } from 'libp2p'
import { TypedEventEmitter } from 'main-event'
import type { Sha256 } from '../codec/entry-codec.ts'
import { GossipGuard } from '../gossip/gossip-guard.ts'
import { boundDeliveryRecords } from '../gossip/gossip-memory.ts'
import { sharedGossipOptions } from '../gossip/gossip-options.ts'
import type { DeviceKey } from '../identity/device-key.ts'
import { BlockList } from './block-list.ts'
import { blockingGater } from './blocking-gater.ts'
import { type CausetteServices, type CoreServicesInit, causetteServices } from './core-services.ts'

/** A libp2p node with Noise, yamux, identify and gossipsub as core sets them up, and no more. */
export type BaseLibp2p = Libp2p<{ pubsub: GossipSub; identify: unknown }>

/** A libp2p node with core's services: what a CausettePeer runs on. */
export type CausetteLibp2p = Libp2p<CausetteServices>

export interface Libp2pParts {
  /** Transports of this runtime, e.g. tcp() and webSockets() in Node, webRTC() in browsers. */
  transports: NonNullable<Libp2pOptions['transports']>
  /** Addresses to listen on (Node); browsers usually listen on none or on the relay. */
  listen?: string[]
  peerDiscovery?: Libp2pOptions['peerDiscovery']
  connectionGater?: Libp2pOptions['connectionGater']
  /** Noise's options: a runtime may give it faster crypto (the daemon does, node/src/noise-crypto.ts). */
  noise?: NoiseInit
  /** The hash of gossip's message ids (the entries' ids); noble's by default, node:crypto's in the daemon. */
  sha256?: Sha256
  /** Extra services (circuit relay, autonat, …) merged with core's. */
  services?: Libp2pOptions['services']
  /** Anything else for createLibp2p, applied last. */
  options?: Omit<Partial<Libp2pOptions>, 'services' | 'privateKey'>
}

/** How the application judges peers, for gossipsub's score (see gossip-guard.ts). */
export interface GossipScoring {
  /** ≤ 0: the peer's misconduct as this device saw it. */
  appSpecificScore: (peerId: string) => number
}

/**
 * gossipsub's thresholds, with the application's score weighing one for one:
 * below -10 a peer gets no gossip from us, below -50 none of our messages,
 * below -80 (graylisted) everything it sends is dropped before validation.
 */
export const GOSSIP_THRESHOLDS = { gossipThreshold: -10, publishThreshold: -50, graylistThreshold: -80 }

/** What core itself listens to while libp2p is assembled. */
export interface CoreHooks {
  scoring?: GossipScoring
  /** Every peer a discovery service reports, each time it does (libp2p's own event fires only for a peer new to its store). */
  discovered?: (peer: PeerInfo) => void
}

/**
 * createLibp2p's options for a node of the runtime's parts with core's Noise,
 * yamux, identify and gossipsub, but not core's services: createCausetteLibp2p
 * adds them; benchmarks use the node bare.
 */
export function baseLibp2pOptions(
  key: DeviceKey,
  parts: Libp2pParts,
  hooks: CoreHooks = {}
): Libp2pOptions<{ pubsub: GossipSub; identify: unknown }> {
  const { scoring, discovered } = hooks
  return {
    privateKey: key.privateKey,
    start: false,
    addresses: { listen: parts.listen ?? [] },
    transports: parts.transports,
    connectionEncrypters: [noise(parts.noise)],
    // yamux grows a stream's window up to 16 MiB on a fast link; 1 MiB keeps what a paused reader
    // (sync-stream.ts) can still be sent within libp2p's read buffer, and is ~10 MB/s at 100 ms RTT
    streamMuxers: [yamux({ streamOptions: { maxStreamWindowSize: 1024 * 1024 } })],
    services: {
      ...(parts.services ?? {}),
      identify: identify(),
      pubsub: gossipsub({
        // what a relay keeping the groups shares (gossip-options.ts)
        ...sharedGossipOptions(parts.sha256),
        allowPublishToZeroTopicPeers: true,
        ignoreDuplicatePublishError: true,
        // members whose only path is a relay still chat: over a relayed connection the relay may cut (its
        // limits), member links dial again (networking.md, "Relays")
        runOnLimitedConnection: true,
        // IDONTWANT saves resending large messages; for chat-sized ones the control frame to every mesh peer costs
        // about what it saves (profiled: 30-45 such frames per message in a 10-peer group)
        idontwantMinDataSize: 16 * 1024,
        // group topics are made at run time, so no per-topic scores: the application's (P5) carries the judgement
        ...(scoring === undefined ? {} : { scoreParams: { appSpecificScore: scoring.appSpecificScore, appSpecificWeight: 1 } }),
        scoreThresholds: GOSSIP_THRESHOLDS
      })
    },
    connectionManager: {
      // libp2p's default (5 new connections per second per host) resets honest peers sharing one
      // address (a LAN behind one NAT, several daemons on one machine); and a reset dial can
      // surface as an uncaught error inside @libp2p/tcp. 50/s still stops a flood.
      inboundConnectionThreshold: 50
    },
    ...(parts.peerDiscovery === undefined ? {} : { peerDiscovery: parts.peerDiscovery.map((service) => observed(service, discovered)) }),
    ...(parts.connectionGater === undefined ? {} : { connectionGater: parts.connectionGater }),
    ...(parts.options ?? {})
  } as Libp2pOptions<{ pubsub: GossipSub; identify: unknown }>
}

export interface CausetteLibp2pInit extends Libp2pParts, CoreServicesInit {
  key: DeviceKey
}

/**
 * A libp2p node with core's services beside the runtime's parts. What the
 * services share with libp2p itself is made here: the guard that scores
 * peers (gossipsub's score, and the gater refuses banned peers), the block
 * list (the gater refuses blocked members), and every report of discovery
 * (for member links).
 */
export async function createCausetteLibp2p(init: CausetteLibp2pInit): Promise<CausetteLibp2p> {
  const blocks = new BlockList()
  const guard = new GossipGuard({ now: init.now ?? Date.now })
  const discoveries = new TypedEventEmitter<PeerDiscoveryEvents>()
  const connectionGater = blockingGater(init.connectionGater ?? {}, (p) => blocks.blocks(p) || guard.banned(p.toString()))
  const options = baseLibp2pOptions(
    init.key,
    { ...init, connectionGater },
    { scoring: { appSpecificScore: guard.score }, discovered: (info) => discoveries.safeDispatchEvent('peer', { detail: info }) }
  )
  const services = { ...options.services, ...causetteServices({ ...init, blocks, guard, discoveries }) }
  const libp2p = await createLibp2p({ ...options, services } as Libp2pOptions<CausetteServices>)
  // gossipsub's score keeps a delivery record per message for 2 minutes; Causette scores no topic (gossip-memory.ts)
  boundDeliveryRecords(libp2p.services.pubsub)
  return libp2p
}

type DiscoveryFactory = NonNullable<Libp2pOptions['peerDiscovery']>[number]

/** A discovery service whose every report also reaches `discovered`. */
function observed(factory: DiscoveryFactory, discovered?: (peer: PeerInfo) => void): DiscoveryFactory {
  if (discovered === undefined) return factory
  return (components) => {
    const service = factory(components)
    service.addEventListener('peer', (evt) => discovered(evt.detail))
    return service
  }
}
