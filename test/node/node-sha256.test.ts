/** The daemon's SHA-256 for entry ids (node-sha256.ts) gives the ids every other peer computes with noble's. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sha256 } from '@noble/hashes/sha2.js'
import fc from 'fast-check'
import { nodeSha256 } from '../../node/src/node-sha256.ts'

describe('node:crypto SHA-256 for entry ids', () => {
  it('equals noble’s on any bytes (300 runs)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        assert.deepEqual(Uint8Array.from(nodeSha256(bytes)), sha256(bytes))
      }),
      { numRuns: 300 }
    )
  })
})
