/**
 * The daemon's X25519, for the grants of epoch keys: node:crypto's
 * (OpenSSL), which core finds once at run time and uses by default in Node
 * (core/src/crypto/builtin-x25519.ts). Named here so the daemon injects it
 * explicitly (node-peer-parts.ts, a restore) and cannot fall back to
 * noble's unnoticed: the Node 24 the project runs on always has it.
 * test/node/node-x25519.test.ts holds it to noble's results.
 */
import { defaultX25519, nobleX25519, type X25519 } from '@causette/core'

if (defaultX25519 === nobleX25519) throw new Error("this Node's node:crypto has no X25519; Causette needs Node 24 or later")

export const nodeX25519: X25519 = defaultX25519
