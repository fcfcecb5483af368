/**
 * Gossip message ids computed once: the validator takes the id gossipsub
 * computed for the very bytes it is validating, and never an id computed
 * for other bytes, even equal ones or ones changed since — an entry's id is
 * what every check and every reference to it relies on.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeEntry, gossipMessageId, messageIdOf } from '@causette/core'
import { sha256 } from '@noble/hashes/sha2.js'
import { entryBytesOf } from '../fixtures/entry-bytes.ts'
import { type Replica, replicas } from '../fixtures/replicas.ts'

describe('gossip message ids', () => {
  it('are the entry ids, computed once for the bytes gossipsub hashed and given for those bytes only', async () => {
    const [writer] = (await replicas(1)) as [Replica]
    const entry = await writer.log.append({ type: 'message', text: 'on the summit' })
    const bytes = await entryBytesOf(writer.log, entry)
    const gossiped = bytes.slice()
    const id = gossipMessageId(gossiped)
    assert.deepEqual(id, entry.id, "a message's gossip id is its entry's id")
    assert.equal(messageIdOf(bytes.slice()), undefined, 'equal bytes in another array are hashed again, not looked up')
    const taken = messageIdOf(gossiped)
    assert.equal(taken, id)
    assert.deepEqual(decodeEntry(gossiped, taken).id, entry.id)
    assert.equal(messageIdOf(gossiped), undefined, 'taken once: the slot lets go of the message')
  })

  it('forgets old messages rather than growing', () => {
    const first = new Uint8Array([1, 2, 3])
    gossipMessageId(first)
    for (let i = 0; i < 200; i++) gossipMessageId(new Uint8Array([i & 255, i >> 8]))
    assert.equal(messageIdOf(first), undefined)
    const late = new Uint8Array([9, 9, 9])
    gossipMessageId(late)
    assert.deepEqual(messageIdOf(late), sha256(late))
  })
})
