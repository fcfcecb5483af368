/** The daemon's node:crypto hashes (node-hashes.ts) give what every other peer computes with noble's: entry ids, safety numbers. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sha256, sha512 } from '@noble/hashes/sha2.js'
import fc from 'fast-check'
import { nodeSha256, nodeSha512 } from '../../node/src/node-hashes.ts'

describe('node:crypto hashes', () => {
  it('SHA-256 for entry ids equals noble’s on any bytes (300 runs)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        assert.deepEqual(Uint8Array.from(nodeSha256(bytes)), sha256(bytes))
      }),
      { numRuns: 300 }
    )
  })

  it('SHA-512 for safety numbers equals noble’s on any bytes (300 runs)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        assert.deepEqual(Uint8Array.from(nodeSha512(bytes)), sha512(bytes))
      }),
      { numRuns: 300 }
    )
  })
})
