/**
 * libp2p's own metrics for the relay's /metrics: connections, streams and
 * bytes by protocol, the dial queue, the relay server's reservations, as
 * @libp2p/prometheus-metrics collects them, in a registry of the relay's
 * own (not prom-client's global one, so two relays in one process, as in
 * tests, do not share counters). Node's process metrics (memory, event loop
 * lag, GC) come with them.
 */
import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import { Registry } from 'prom-client'

export interface Libp2pMetrics {
  /** For createLibp2p's `metrics`. */
  factory: ReturnType<typeof prometheusMetrics>
  /** Everything collected, in Prometheus' text format. */
  text: () => Promise<string>
}

export function libp2pMetrics(): Libp2pMetrics {
  const registry = new Registry()
  return {
    factory: prometheusMetrics({ registry, defaultMetrics: { register: registry } }),
    text: () => registry.metrics()
  }
}
