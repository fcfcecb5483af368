/**
 * @causette/node — the Causette daemon for Node: its CLI, its SQLite store
 * and the Node-specific parts it injects into core.
 *
 * ```ts
 * import { Daemon, daemonOptions } from '@causette/node'
 * const daemon = await Daemon.start(await daemonOptions('/tmp/causette-a', { apiPort: 0, p2pPort: 0 }))
 * await daemon.operations.createGroup('Climbing')
 * await daemon.stop()
 * ```
 */

export type * from './api/api-types.ts'
export { type Names, personMessage } from './api/error-messages.ts'
export * from './backup/errors.ts'
export { tuneConnections } from './connection-tuning.ts'
export { Daemon } from './daemon/daemon.ts'
export { DaemonOperations } from './daemon/daemon-operations.ts'
export { type DaemonFlags, type DaemonOptions, daemonOptions } from './daemon/daemon-options.ts'
export { type ApiAddress, defaultHome, resolveHome } from './data-dir.ts'
export * from './errors.ts'
export { nodeSha512 } from './node-hashes.ts'
export { type NodePeerParts, nodePeerParts } from './node-peer-parts.ts'
export { nodeSignatures } from './node-signatures.ts'
export { nodeX25519 } from './node-x25519.ts'
export { nodeNoiseCrypto } from './noise-crypto.ts'
export { coalesceWrites } from './socket-coalescing.ts'
export { WORDS_AT_ONCE, WORDS_WHEN_IDLE_MS } from './store/message-words.ts'
export { searchQuery } from './store/search-query.ts'
export { SqliteStore } from './store/sqlite-store.ts'
export { wasmXChaCha } from './wasm-xchacha.ts'
export { WorkerSignatures } from './worker-signatures.ts'
