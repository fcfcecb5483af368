/**
 * The daemon's X25519, for the grants of epoch keys: node:crypto's
 * (OpenSSL), which core finds at run time (core/src/crypto/builtin-x25519.ts)
 * and also uses by default in Node. Named here so the daemon injects it
 * explicitly (node-peer-parts.ts, a restore) and cannot fall back to
 * noble's unnoticed: the Node 24 the project runs on always has it.
 * test/node/node-x25519.test.ts holds it to noble's results.
 */
import { builtinX25519, type X25519 } from '@causette/core'

const found = builtinX25519()
if (found === undefined) throw new Error("this Node's node:crypto has no X25519; Causette needs Node 24 or later")

export const nodeX25519: X25519 = found
