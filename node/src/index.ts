/**
 * @causette/node — the Causette daemon for Node: its CLI, its SQLite store
 * and the Node-specific parts it injects into core.
 */

export * from './errors.ts'
export { nodeSignatures } from './node-signatures.ts'
export { SqliteStore } from './store/sqlite-store.ts'
