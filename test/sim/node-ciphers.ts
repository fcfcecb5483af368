/**
 * The ciphers the simulation's Node harness (seed-runner.ts, in this thread
 * or its workers) gives every run: the daemon's — OpenSSL's X25519 and
 * SHA-256, and the WebAssembly XChaCha20-Poly1305 — about twice as fast a
 * run as noble's.
 * They compute the same functions (test/node/node-x25519.test.ts,
 * wasm-xchacha.test.ts), so what a run checks holds alike. A seed's schedule
 * is its own to the harness, though: noble's X25519 draws random blinding
 * from the seeded source, OpenSSL's does not, so the same seed run with
 * noble's (as a browser would run it) is another run.
 * `npm run sim -- --seed S --trace` replays a seed the test reported, since
 * it goes through the same harness.
 */
import { nodeX25519, wasmXChaCha } from '@causette/node'
import { nodeSha256 } from '@causette/node/node-hashes'
import type { SimCiphers } from './simulation.ts'

export const NODE_CIPHERS: SimCiphers = { aead: wasmXChaCha, x25519: nodeX25519, sha256: nodeSha256 }
