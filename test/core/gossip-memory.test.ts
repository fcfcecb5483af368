/**
 * gossipsub remembers each message only as long as Causette's gossip needs
 * it (core/src/gossip/gossip-memory.ts): ids in the seen cache for
 * GOSSIP_SEEN_TTL_MS, the peer score's delivery records for
 * DELIVERY_RECORD_MS rather than gossipsub's fixed two minutes. These reach
 * into gossipsub's internals, so an upgrade that moves them fails here.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type CausetteLibp2p, createCausetteLibp2p, DELIVERY_RECORD_MS, GOSSIP_SEEN_TTL_MS, generateDeviceKey, MemoryStore } from '@causette/core'
import { memory } from '@libp2p/memory'

interface Internals {
  seenCache: { validityMs: number; has(id: string): boolean }
  score: { deliveryRecords: { getRecord(id: string): unknown; queue: { toArray(): Array<{ msgId: string; expire: number }> }; gc(): void } }
}

const internals = (libp2p: CausetteLibp2p) => libp2p.services.pubsub as unknown as Internals

let listeners = 0

async function node(): Promise<CausetteLibp2p> {
  const listen = [`/memory/causette-gossip-memory-${process.pid}-${listeners++}`]
  const libp2p = await createCausetteLibp2p({
    key: await generateDeviceKey(),
    store: new MemoryStore(),
    transports: [memory()],
    listen,
    keepMemberLinks: false
  })
  await libp2p.start()
  return libp2p
}

describe('what gossipsub remembers of each message', () => {
  it('keeps ids for the seen TTL and delivery records for the message cache window, not two minutes', async () => {
    const sender = await node()
    const receiver = await node()
    try {
      const topic = 'causette-gossip-memory'
      const received: string[] = []
      receiver.services.pubsub.subscribe(topic)
      sender.services.pubsub.subscribe(topic)
      receiver.services.pubsub.addEventListener('gossipsub:message', (evt) => received.push(evt.detail.msgId))
      await sender.dial(receiver.getMultiaddrs()[0] as never)
      const deadline = Date.now() + 10_000
      while (sender.services.pubsub.getSubscribers(topic).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
      const before = Date.now()
      await sender.services.pubsub.publish(topic, new TextEncoder().encode('hello'))
      while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
      assert.equal(received.length, 1, 'the message arrived')
      const id = received[0] as string
      const { seenCache, score } = internals(receiver)
      assert.equal(seenCache.validityMs, GOSSIP_SEEN_TTL_MS)
      assert.ok(seenCache.has(id))
      assert.ok(score.deliveryRecords.getRecord(id) !== undefined, 'a delivery record was made')
      const queued = score.deliveryRecords.queue.toArray().find((entry) => entry.msgId === id)
      assert.ok(queued !== undefined)
      assert.ok(queued.expire >= before && queued.expire <= Date.now() + DELIVERY_RECORD_MS, `expires ${queued.expire - before} ms after`)
      // as the score's background task does every second, once the record has expired
      queued.expire = Date.now() - 1
      score.deliveryRecords.gc()
      assert.equal(score.deliveryRecords.getRecord(id), undefined, 'dropped once expired')
    } finally {
      await sender.stop()
      await receiver.stop()
    }
  })
})
