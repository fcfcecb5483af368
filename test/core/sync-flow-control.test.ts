/**
 * Catch-up of more than a read buffer's worth from a fast sender to a slow
 * receiver, over TCP: the receiver's stream must hold the sender back while
 * it checks and stores each batch, rather than buffer what arrives until
 * libp2p aborts the stream ("Read buffer overflow"), which left a daemon
 * that had missed ~90,000 messages failing every sync and catching up never.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { MemoryStore, type StoredEntry } from '@causette/core'
import { connect, logOf, shareGroup, startPeer, startPeers, stopAll, type TestPeer, waitFor } from '../fixtures/peers.ts'
import { freshDeviceKeys } from '../fixtures/replicas.ts'

/** A store that takes 15 ms for every write: a receiver busier than its sender. */
class SlowStore extends MemoryStore {
  override async putEntries(group: Uint8Array, entries: StoredEntry[]): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 15))
    return super.putEntries(group, entries)
  }
}

/** ~1 KB a message: 6,000 of them are ~7 MB, well over libp2p's 4 MiB read buffer. */
const TEXT = 'x'.repeat(1000)
const MESSAGES = 6000

describe('sync flow control', () => {
  const running: TestPeer[][] = []
  after(async () => {
    for (const peers of running) await stopAll(peers)
  })

  it('catches up 7 MB from a fast sender into a slow receiver without overflowing its stream', async () => {
    const [a] = await startPeers(1, { transport: 'tcp' })
    const [key] = await freshDeviceKeys(1)
    const b = await startPeer(key as never, new SlowStore(), { transport: 'tcp' })
    running.push([a as TestPeer, b])
    const groupId = await shareGroup([a as TestPeer, b])
    const base = logOf(b, groupId).size
    for (let i = 0; i < MESSAGES; i++) await (a as TestPeer).peer.send(groupId, { type: 'message', text: `${i} ${TEXT}` })
    const failures: string[] = []
    b.peer.addEventListener('sync:failed', (evt) => failures.push(`${evt.detail.error.name}: ${evt.detail.error.message}`))
    await connect(b, a as TestPeer)
    await waitFor(() => logOf(b, groupId).size === base + MESSAGES || failures.length > 0, 'b to catch up or a sync to fail', 60_000)
    assert.deepEqual(failures, [], 'no sync failed')
    assert.equal(logOf(b, groupId).size, base + MESSAGES)
  })
})
