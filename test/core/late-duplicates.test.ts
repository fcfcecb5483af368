/**
 * A message that comes again by gossip after gossipsub's seen cache forgot
 * it (GOSSIP_SEEN_TTL_MS, core/src/gossip/gossip-memory.ts), and after it
 * left the log's recent entries: the log holds it in its store only. The
 * peer that forwarded it did nothing wrong, so the verdict is to ignore it
 * (not forwarded, no penalty), never to reject it.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeEntry, RECENT_ENTRIES } from '@causette/core'
import { GossipBatcher } from '../../core/src/gossip/gossip-batcher.ts'
import { entryBytes, logEntries } from '../fixtures/entry-bytes.ts'
import { merge, type Replica, replicas } from '../fixtures/replicas.ts'

describe('a message gossiped again long after it was taken', () => {
  it('is ignored once the log holds it only in its store, and still accepted when new', async () => {
    const [alice, bob] = (await replicas(2)) as [Replica, Replica]
    await alice.log.append({ type: 'message', text: 'the first' })
    await merge(alice, bob)
    const [first] = (await logEntries(alice.log)).filter((e) => e.op?.type === 'message')
    assert.ok(first !== undefined)
    const [firstBytes] = await entryBytes(alice.log, [first])
    // enough after it that Bob's log keeps it only in his store
    for (let i = 0; i < RECENT_ENTRIES + 10; i++) await alice.log.append({ type: 'message', text: `after ${i}` })
    await merge(alice, bob)
    assert.equal(bob.log.get(first.idHex), undefined, 'no longer among the entries held in memory')

    const batcher = new GossipBatcher()
    const again = await batcher.submit(bob.log, decodeEntry(firstBytes as Uint8Array))
    assert.equal(again.verdict, 'ignore', `a late duplicate was ${again.verdict}ed: ${again.error?.message ?? ''}`)

    await alice.log.append({ type: 'message', text: 'a new one' })
    const [latest] = (await logEntries(alice.log)).slice(-1)
    const [latestBytes] = await entryBytes(alice.log, [latest as NonNullable<typeof latest>])
    const fresh = await batcher.submit(bob.log, decodeEntry(latestBytes as Uint8Array))
    assert.equal(fresh.verdict, 'accept')
  })
})
