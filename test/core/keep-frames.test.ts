import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeKeepRequest, encodeKeepRequest, type KeepRequest } from '@causette/core'
import { encode } from 'cborg'

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill)
const REQUEST: KeepRequest = {
  group: bytes(32, 1),
  capability: bytes(32, 2),
  admins: [bytes(32, 3)],
  members: [bytes(32, 3), bytes(32, 4)],
  earlier: [bytes(32, 5)]
}
const TOPIC = `/causette/group/${'ab'.repeat(16)}`

describe('the keep protocol’s request', () => {
  it('carries the group’s gossip topic for the relay to follow, and reads a request of a member that sends none', () => {
    assert.deepEqual(decodeKeepRequest(encodeKeepRequest({ ...REQUEST, topic: TOPIC })), { ...REQUEST, topic: TOPIC })
    assert.deepEqual(decodeKeepRequest(encodeKeepRequest(REQUEST)), REQUEST)
  })

  it('refuses, in words, a topic that is not a group’s and a request of the wrong shape', () => {
    const frame = [1, REQUEST.group, REQUEST.capability, REQUEST.admins, REQUEST.members, REQUEST.earlier]
    assert.throws(() => decodeKeepRequest(encode([...frame, '/other/topic'])), /the topic must be a group's gossip topic/)
    assert.throws(() => decodeKeepRequest(encode([...frame, 7])), /the topic must be a group's gossip topic/)
    assert.throws(() => decodeKeepRequest(encode([...frame, TOPIC, 'more'])), /must be an array of 6 or 7 fields/)
    assert.throws(() => decodeKeepRequest(encode(frame.slice(0, 5))), /must be an array of 6 or 7 fields/)
  })
})
