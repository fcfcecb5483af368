/** The daemon's node:crypto hashes (node-hashes.ts) give what every other peer computes with noble's: entry ids, gossip's message ids, safety numbers. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { messageIdOf } from '@causette/core'
import { sharedGossipOptions } from '@causette/core/mailbox-serving'
import type { Message } from '@libp2p/gossipsub'
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

  it('gossip names a message by the same id in a daemon as in a browser tab, and the validator gets it', async () => {
    const daemons = sharedGossipOptions(nodeSha256).msgIdFn
    const tabs = sharedGossipOptions().msgIdFn
    assert.ok(daemons !== undefined && tabs !== undefined)
    for (let i = 0; i < 50; i++) {
      const data = Uint8Array.from({ length: 40 + i * 37 }, (_, j) => (i * 31 + j) & 255)
      const message = { type: 'unsigned', topic: 'causette/test', data } as Message
      const id: Uint8Array = await daemons(message)
      assert.deepEqual(Uint8Array.from(id), await tabs({ ...message, data: data.slice() }), 'the IHAVE and IWANT of either name the same message')
      assert.equal(messageIdOf(data), id, 'the validator takes the id hashed for these bytes')
    }
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
