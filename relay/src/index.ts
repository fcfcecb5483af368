/**
 * @causette/relay — a community relay: circuit relay v2 sized for chat,
 * for daemons and browsers that cannot reach each other directly.
 *
 * ```ts
 * import { Relay, resolveConfig } from '@causette/relay'
 * const relay = await Relay.start(resolveConfig([{ source: 'example', values: { dataDir: '/tmp/relay', port: 0, wsPort: -1, healthPort: -1 } }]))
 * await relay.stop()
 * ```
 */
export { healthOf, metricsOf, type RelayHealth } from './health-server.ts'
export { Relay } from './relay.ts'
export { type ConfigInput, defaultConfig, type RelayConfig, RelayConfigError, readConfigFile, resolveConfig } from './relay-config.ts'
export { KEY_FILE, loadOrCreateIdentity } from './relay-identity.ts'
