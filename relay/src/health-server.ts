/**
 * The relay's health and metrics endpoint, on 127.0.0.1 only (a monitoring
 * agent on the same machine, or a proxy, reads it): `GET /health` answers
 * JSON with the relay's id, addresses, reservations and connections (and
 * what AutoTLS is doing, when it is on);
 * `GET /metrics` the same counters in Prometheus' text format, followed by
 * libp2p's own when the relay collects them (libp2p-metrics.ts).
 */
import { createServer, type Server } from 'node:http'
import type { AutoTlsHealth } from './auto-tls-status.ts'
import { mailboxMetrics } from './mailbox/mailbox-metrics.ts'
import type { RelayConfig } from './relay-config.ts'
import type { RelayNode } from './relay-node.ts'

export interface RelayHealth {
  status: 'ok'
  peerId: string
  addresses: string[]
  reservations: number
  maxReservations: number
  connections: number
  uptimeMs: number
  /** What AutoTLS is doing (auto-tls-status.ts), when it is on. */
  autoTls?: AutoTlsHealth
}

export function healthOf(node: RelayNode, config: RelayConfig, startedAt: number): RelayHealth {
  const { libp2p } = node
  return {
    status: 'ok',
    peerId: libp2p.peerId.toString(),
    addresses: libp2p.getMultiaddrs().map((a) => a.toString()),
    reservations: libp2p.services.relay.reservations.size,
    maxReservations: config.maxReservations,
    connections: libp2p.getConnections().length,
    uptimeMs: Date.now() - startedAt,
    ...(node.autoTls === undefined ? {} : { autoTls: node.autoTls.health() })
  }
}

export function metricsOf(node: RelayNode, config: RelayConfig, startedAt: number): string {
  const h = healthOf(node, config, startedAt)
  const gauge = (name: string, help: string, value: number, labels = ''): string =>
    `# HELP ${name} ${help}\n# TYPE ${name} ${name.endsWith('_total') ? 'counter' : 'gauge'}\n${name}${labels} ${value}\n`
  return [
    gauge('causette_relay_reservations', 'Reservations held now.', h.reservations),
    gauge('causette_relay_reservations_max', 'Reservations the relay holds at most.', h.maxReservations),
    gauge('causette_relay_connections', 'Open connections.', h.connections),
    gauge('causette_relay_reservations_refused_total', 'Reservations refused, by reason.', node.policy.refused.perIp, '{reason="per_ip"}'),
    `causette_relay_reservations_refused_total{reason="not_member"} ${node.policy.refused.notMember}\n`,
    gauge('causette_relay_uptime_seconds', 'Seconds since the relay started.', Math.round(h.uptimeMs / 1000)),
    `# HELP causette_relay_circuits_total Relayed connections set up: between members of one kept group (no limit), and others (the relay's limits).\n# TYPE causette_relay_circuits_total counter\ncausette_relay_circuits_total{between="members"} ${node.circuits.members}\ncausette_relay_circuits_total{between="others"} ${node.circuits.others}\n`,
    mailboxMetrics(node.mailbox)
  ].join('')
}

/** Listens on 127.0.0.1:`port` (0: a free one); resolves with the server and its URL. */
export async function startHealthServer(
  node: RelayNode,
  config: RelayConfig,
  startedAt: number,
  port: number
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(`${JSON.stringify(healthOf(node, config, startedAt))}\n`)
    } else if (req.method === 'GET' && req.url === '/metrics') {
      const own = metricsOf(node, config, startedAt)
      Promise.resolve(node.metrics?.text() ?? '').then(
        (libp2p) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(own + libp2p),
        (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`cannot collect libp2p's metrics: ${(err as Error).message}\n`)
      )
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /health or /metrics\n')
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  const bound = typeof address === 'object' && address !== null ? address.port : port
  return { server, url: `http://127.0.0.1:${bound}` }
}
