/**
 * The relay's libp2p node: TCP for daemons, WebSockets (plain, and secure
 * from a certificate and key file) for browsers, Noise and yamux, identify,
 * and the circuit relay v2 server with the config's limits. Reservations
 * are capped per IP address through the connection gater
 * (reservation-policy.ts). AutoNAT v2's server dials members back when they
 * ask, so a daemon learns whether it is reachable (docs/networking.md). With
 * `libp2pMetrics`, libp2p's own metrics are collected for /metrics
 * (libp2p-metrics.ts). The mailbox (mailbox/) adds its protocols to it,
 * and, with the mailbox on, gossipsub with the members' options (core's
 * gossip-options.ts), so the relay follows its groups' gossip. With
 * AutoTLS on, its services and what it announces come from auto-tls.ts.
 */
import { readFile } from 'node:fs/promises'
import { boundDeliveryRecords, sharedGossipOptions } from '@causette/core/mailbox-serving'
import { tuneConnections } from '@causette/node/connection-tuning'
import { nodeSha256 } from '@causette/node/node-hashes'
import { nodeNoiseCrypto } from '@causette/node/noise-crypto'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { autoNATv2 } from '@libp2p/autonat-v2'
import { type CircuitRelayService, circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { type GossipSub, gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { Libp2p, PrivateKey } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { createLibp2p } from 'libp2p'
import { autoTlsFor, followAutoTls } from './auto-tls.ts'
import type { AutoTlsStatus } from './auto-tls-status.ts'
import { type Libp2pMetrics, libp2pMetrics } from './libp2p-metrics.ts'
import type { MailboxService } from './mailbox/mailbox-service.ts'
import { settleCircuitLimit } from './member-circuits.ts'
import { type RelayConfig, RelayConfigError } from './relay-config.ts'
import { ReservationPolicy } from './reservation-policy.ts'

export type RelayLibp2p = Libp2p<{ relay: CircuitRelayService; identify: unknown; pubsub?: GossipSub }>

export interface RelayNode {
  libp2p: RelayLibp2p
  policy: ReservationPolicy
  /** The blind mailbox, unless turned off (relay.ts starts it). */
  mailbox?: MailboxService
  /** Relayed connections set up, between members of one kept group (no limit) and others (member-circuits.ts). */
  circuits: { members: number; others: number }
  /** libp2p's own metrics, when the config collects them. */
  metrics?: Libp2pMetrics
  /** What AutoTLS is doing, when it is on. */
  autoTls?: AutoTlsStatus
}

export async function createRelayNode(config: RelayConfig, key: PrivateKey): Promise<RelayNode> {
  const listen = [`/ip4/${config.host}/tcp/${config.port}`]
  if (config.wsPort >= 0) listen.push(`/ip4/${config.host}/tcp/${config.wsPort}/ws`)
  let https: { cert: Buffer; key: Buffer } | undefined
  if (config.wss !== undefined) {
    https = { cert: await readTlsFile(config.wss.cert, 'certificate'), key: await readTlsFile(config.wss.key, 'key') }
    listen.push(`/ip4/${config.host}/tcp/${config.wss.port}/tls/ws`)
  }
  // the gater's hooks run once the node exists; they reach it (and its reservation policy) through this
  let node: RelayNode | undefined
  const metrics = config.libp2pMetrics ? libp2pMetrics() : undefined
  const autoTls = config.autoTls === undefined ? undefined : await autoTlsFor(config.autoTls, config.dataDir, key)
  const libp2p = (await createLibp2p({
    privateKey: key,
    ...(metrics === undefined ? {} : { metrics: metrics.factory }),
    addresses: {
      listen,
      ...(config.announce.length > 0 ? { announce: config.announce } : {}),
      ...(autoTls === undefined ? {} : { announceFilter: autoTls.announced })
    },
    transports: [tcp(), webSockets(https === undefined ? {} : { https })],
    // Noise's cipher with key objects made once per session, as the daemon's (node/src/noise-crypto.ts)
    connectionEncrypters: [noise({ crypto: nodeNoiseCrypto })],
    streamMuxers: [yamux()],
    connectionGater: {
      // the relay dials no one: it serves; private addresses are where a LAN's members come from
      denyDialMultiaddr: () => false,
      denyInboundRelayReservation: (peer) => node?.policy.denyReservation(peer) === true,
      // not a refusal: the hook where a relayed connection's limit is settled (member-circuits.ts)
      denyOutboundRelayedConnection: (source, destination) => {
        settleCircuitLimit(node, config, source, destination)
        return false
      }
    },
    connectionManager: {
      maxConnections: Math.max(300, 3 * config.maxReservations),
      inboundConnectionThreshold: config.connectionsPerIpPerSecond,
      maxIncomingPendingConnections: 64
    },
    services: {
      identify: identify(),
      // members ask it to dial them back: how a daemon learns whether it is reachable
      autoNAT: autoNATv2(),
      relay: circuitRelayServer({
        maxInboundHopStreams: config.circuitsPerPeer,
        reservations: {
          maxReservations: config.maxReservations,
          reservationTtl: config.reservationTtlMs,
          applyDefaultLimit: !config.circuit.unlimited,
          defaultDurationLimit: config.circuit.durationMs,
          defaultDataLimit: BigInt(config.circuit.dataBytes)
        }
      }),
      ...(config.mailbox.enabled
        ? {
            // gossip's message ids hashed by node:crypto, as the daemon's are
            pubsub: gossipsub(sharedGossipOptions(nodeSha256))
          }
        : {}),
      ...autoTls?.services
    }
  })) as unknown as RelayLibp2p
  // writes coalesced per turn, frames read without an exception each (the daemon's too); a connection accepted while
  // createLibp2p was starting is left as it is, only slower
  tuneConnections(libp2p)
  if (autoTls !== undefined) followAutoTls(libp2p, autoTls.status)
  // what gossipsub keeps of each message, as a member's node keeps it (core's gossip-memory.ts)
  if (libp2p.services.pubsub !== undefined) boundDeliveryRecords(libp2p.services.pubsub)
  const policy = new ReservationPolicy({
    perIp: config.reservationsPerIp,
    reservations: () => libp2p.services.relay.reservations.entries(),
    connections: (peer) => libp2p.getConnections(peer),
    // the mailbox is made after the node (relay.ts): asked at each reservation, not now
    ...(config.membersOnly ? { members: (device: Uint8Array) => node?.mailbox?.members.has(device) === true } : {})
  })
  node = {
    libp2p,
    policy,
    circuits: { members: 0, others: 0 },
    ...(metrics === undefined ? {} : { metrics }),
    ...(autoTls === undefined ? {} : { autoTls: autoTls.status })
  }
  return node
}

async function readTlsFile(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path)
  } catch (err) {
    throw new RelayConfigError(`cannot read the TLS ${what} ${path}: ${(err as Error).message}`)
  }
}
