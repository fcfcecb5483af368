/**
 * How long gossipsub remembers each message it saw, held to what
 * Causette's gossip needs.
 *
 * gossipsub keeps two records of every message for two minutes: its id in
 * the seen cache (~150 B with its hex key; `seenTTL`), and a delivery record for the peer
 * score (~340 B: the record, a Set of the peers that sent it, a queue
 * entry; a fixed two minutes, not an option). At a daemon's 5,000 messages
 * a second that is 600,000 of each, ~250 MB of heap, and it stays until two
 * minutes after a burst ends. Measured after ingesting 100,000 messages:
 * 42 MiB of the daemon's 80 MiB of live JavaScript.
 *
 * The seen cache drops duplicates before validation. A duplicate comes
 * from a mesh peer forwarding what it got at the same time, or from a peer
 * asking for it after gossip (IHAVE) told of it: a message is told of for
 * 3 heartbeats and served for 5 (gossipsub's history), each hop starting
 * when it got it, so duplicates come within seconds of the first copy.
 * An entry's id is the hash of its bytes and the log holds each entry
 * once, so one arriving later still is decoded, found held (in memory or
 * in the store) and ignored: not forwarded, and no fault of the peer that
 * sent it (test/core/late-duplicates.test.ts). The cache saves work, not
 * correctness. 10 s is twice the 5 s for which a peer serves what it told
 * of, with room for slow links. It was 30 s: 15 s after a burst of 100,000
 * messages that still held all their ids, 15 MiB of the daemon's heap (a
 * heap snapshot; test/bench/RESULTS.md), gone now by then.
 *
 * The delivery records feed only the per-topic parts of the score (first
 * and mesh deliveries, invalid messages), and Causette scores no topic
 * (create-libp2p.ts: group topics are made at run time; the application's
 * score carries the judgement), so they serve nothing past validation;
 * they are kept as long as the message cache keeps the message.
 */
import type { GossipSub } from '@libp2p/gossipsub'

/** gossipsub's seen cache: how long a message id suppresses duplicates. */
export const GOSSIP_SEEN_TTL_MS = 10_000

/** gossipsub's message cache window: 5 heartbeats of 1 s (its defaults, which Causette keeps). */
export const DELIVERY_RECORD_MS = 5_000

/** What this reaches of gossipsub's peer score, which its public type does not name (@libp2p/gossipsub 17: score/message-deliveries.js). */
interface DeliveryRecords {
  queue: { length: number; peekBack(): { expire: number } | undefined }
  ensureRecord(msgIdStr: string): unknown
}

/**
 * Makes the peer score's delivery records expire after `keepMs` instead of
 * two minutes. gossipsub has no option for it: each record it makes is
 * queued with its expiry, and the score's background task (every second)
 * drops expired ones from the front of that queue; the expiry of each new
 * one is set here, as it is queued, so the queue stays in order. Returns
 * false, changing nothing, if gossipsub no longer has them where this
 * looks (test/core/gossip-memory.test.ts fails then).
 */
export function boundDeliveryRecords(pubsub: GossipSub, keepMs = DELIVERY_RECORD_MS): boolean {
  const records = (pubsub as { score?: { deliveryRecords?: DeliveryRecords } }).score?.deliveryRecords
  if (typeof records?.ensureRecord !== 'function' || typeof records.queue?.peekBack !== 'function') return false
  const ensure = records.ensureRecord.bind(records)
  records.ensureRecord = (msgIdStr) => {
    const queued = records.queue.length
    const record = ensure(msgIdStr)
    if (records.queue.length > queued) {
      const entry = records.queue.peekBack()
      if (entry !== undefined) entry.expire = Date.now() + keepMs
    }
    return record
  }
  return true
}
