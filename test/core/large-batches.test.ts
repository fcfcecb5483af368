/**
 * A batch larger than what a log keeps of its recent entries in memory (a
 * sync bringing thousands at once): its parents, held when it came, stay
 * held until it is done, so capping shown times does not read them back
 * from the store one at a time (a million-entry daemon spent 1.3 s of a
 * 10,000-entry catch-up doing so, each read committing the writes behind
 * it). Shown times are still capped as they must be.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type DeviceKey, RECENT_ENTRIES } from '@causette/core'
import { freshDeviceKeys, joinReplica, merge, openReplica, type Replica, replicas } from '../fixtures/replicas.ts'

const HOUR = 3_600_000

/** Counts the facts `replica`'s store reads back from now on. */
function countFactReads(store: Replica['store']): () => number {
  const getFacts = store.getFacts.bind(store)
  let read = 0
  store.getFacts = (group, ids) => {
    read += ids.length
    return getFacts(group, ids)
  }
  return () => read
}

describe('a batch larger than the recent entries', () => {
  it('reads none of the parents held when it came back from the store', async () => {
    const [alice, bob] = (await replicas(2)) as [Replica, Replica]
    await alice.log.append({ type: 'message', text: 'first' })
    await merge(alice, bob)
    const more = RECENT_ENTRIES + 100
    for (let i = 0; i < more; i++) await alice.log.append({ type: 'message', text: `and ${i}` })
    const read = countFactReads(bob.store)
    await merge(alice, bob)
    assert.equal(read(), 0)
    assert.equal(bob.log.size, alice.log.size)
    assert.equal((await bob.log.view.messages({ limit: 1 })).messages[0]?.text, `and ${more - 1}`)
  })

  it('still lowers the shown time of a message an answer in it was written before', async () => {
    const [alice, bob] = (await replicas(2)) as [Replica, Replica]
    const [key] = (await freshDeviceKeys(1)) as [DeviceKey]
    // Carol's clock runs an hour behind
    const carol = await openReplica(alice.log, key, () => Date.now() - HOUR)
    await joinReplica(alice, carol)
    const question = await alice.log.append({ type: 'message', text: 'lunch?' })
    await merge(alice, bob)
    await merge(alice, carol)
    // Bob holds the question in memory; Carol answers it, by her clock an hour before it was asked, then writes on
    const answer = await carol.log.append({ type: 'message', text: 'yes' })
    for (let i = 0; i < RECENT_ENTRIES + 100; i++) await carol.log.append({ type: 'message', text: `and ${i}` })
    await merge(carol, bob)
    assert.equal((await bob.log.view.message(question.idHex))?.time, answer.time, 'the question shows no later than its answer')
  })
})
