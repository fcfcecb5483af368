/**
 * "Seen by": who among the other members has read a message, from their
 * read markers — counted only when a marker names the message or one
 * after it, never the author, and of the current members only.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fromHex, seenBy, toHex } from '@causette/core'
import { merge, type Replica, replicas } from '../fixtures/replicas.ts'

async function mergeAll(all: Replica[]): Promise<void> {
  for (const from of all) for (const to of all) if (from !== to) await merge(from, to)
}

describe('seen by', () => {
  it('counts the members whose read marker reached the message, not those who read only before it', async () => {
    const all = await replicas(3)
    const [alice, bob, carol] = all as [Replica, Replica, Replica]
    await mergeAll(all)
    const first = await alice.log.append({ type: 'message', text: 'first' })
    await mergeAll(all)
    const second = await alice.log.append({ type: 'message', text: 'second' })
    await mergeAll(all)
    assert.deepEqual(await seenBy(alice.log, second.idHex), { seen: [], of: 2 }, 'nobody yet, of the two others')
    await bob.log.append({ type: 'read', upTo: fromHex(second.idHex) })
    await carol.log.append({ type: 'read', upTo: fromHex(first.idHex) })
    await mergeAll(all)
    assert.deepEqual(await seenBy(alice.log, second.idHex), { seen: [toHex(bob.key.publicKey)], of: 2 })
    const ofFirst = await seenBy(alice.log, first.idHex)
    assert.deepEqual(new Set(ofFirst?.seen), new Set([toHex(bob.key.publicKey), toHex(carol.key.publicKey)]), 'a marker past a message counts for it')
    assert.equal(await seenBy(alice.log, 'ab'.repeat(32)), undefined, 'an unknown message')
  })
})
