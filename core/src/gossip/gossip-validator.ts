/**
 * The topic validator of live delivery: judges each entry a peer gossips
 * before gossipsub forwards it. The entry is decoded and its author's rate
 * checked (gossip-guard.ts) before any signature is verified; admitted
 * entries go to the group log in batches (gossip-batcher.ts). Accept forwards
 * an entry, Ignore drops it quietly, Reject drops it and lowers the sender's
 * score.
 */
import { TopicValidatorResult } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { equals } from 'uint8arrays/equals'
import { decodeEntry, type Entry } from '../codec/entry-codec.ts'
import { toHex } from '../codec/hex.ts'
import type { GroupLog } from '../log/group-log.ts'
import type { GossipBatcher } from './gossip-batcher.ts'
import type { GossipGuard } from './gossip-guard.ts'
import { messageIdOf } from './gossip-ids.ts'

export interface GossipValidatorInit {
  guard: GossipGuard
  batcher: GossipBatcher
  /** Reports an entry the log rejected, with the peer it came from. */
  rejected: (group: GroupLog, peer: string, error: Error) => void
  /** Asks for a sync of a group with a peer (the scheduler coalesces requests). */
  requestSync: (group: GroupLog, peer: string) => void
  /** Counts an entry accepted from a peer towards its burst (burst-follower.ts). */
  accepted: (group: GroupLog, peer: string) => void
  /** The open connections to a peer, to cut it off. */
  connections: (peer: string) => Array<{ abort(error: Error): void }>
}

/** Pause after a device's own gossip was throttled before syncing with it to fetch what was dropped. */
export const THROTTLED_CATCH_UP_MS = 2000

export class GossipValidator {
  private readonly init: GossipValidatorInit
  /** Syncs due with devices whose own gossip was throttled, by group/peer. */
  private readonly catchUps = new Map<string, ReturnType<typeof setTimeout>>()

  constructor(init: GossipValidatorInit) {
    this.init = init
    // past the ban threshold a peer is cut off at once, dropping what it already sent; the
    // connection gater refuses it until its penalty has decayed
    init.guard.onBan = (peer) => {
      for (const connection of init.connections(peer)) connection.abort(new Error('cut off for flooding or forging'))
    }
  }

  async validate(group: GroupLog, peerId: PeerId, data: Uint8Array): Promise<TopicValidatorResult> {
    const { guard } = this.init
    const peer = peerId.toString()
    let entry: Entry
    try {
      entry = decodeEntry(data, messageIdOf(data))
    } catch (error) {
      return this.reject(group, peer, error as Error, false)
    }
    const author = toHex(entry.author)
    // a peer id is its device key: the peer is publishing its own entries, not forwarding someone's
    const own = peerId.publicKey !== undefined && equals(peerId.publicKey.raw, entry.author)
    const admission = guard.admit(peer, author, own)
    // over the rate: dropped unchecked (sync brings it later); a device flooding with its own entries pays, a forwarder never
    if (admission === 'flood') return TopicValidatorResult.Reject
    if (admission === 'throttle') {
      // a device writing faster than the rate: fetch the rest from it by sync once it pauses; what a
      // forwarder passes on arrives by the syncs that entries waiting for parents start
      if (own) this.catchUpLater(group, peer)
      return TopicValidatorResult.Ignore
    }
    const outcome = await this.init.batcher.submit(group, entry)
    // a duplicate, or not really its author's: the token goes back
    if (outcome.verdict !== 'accept') guard.refund(author)
    if (outcome.verdict === 'reject') return this.reject(group, peer, outcome.error as Error, own)
    if (outcome.verdict === 'ignore') return TopicValidatorResult.Ignore
    // an entry whose parents we lack: we missed something the sender has; unless the sender is being
    // ignored, or a sync with it is planned already because its gossip is being throttled
    if (outcome.pending) {
      if (!guard.graylisted(peer) && !this.catchUps.has(`${group.idHex}/${peer}`)) this.init.requestSync(group, peer)
    } else {
      this.init.accepted(group, peer)
    }
    return TopicValidatorResult.Accept
  }

  stop(): void {
    for (const timer of this.catchUps.values()) clearTimeout(timer)
    this.catchUps.clear()
  }

  private reject(group: GroupLog, peer: string, error: Error, own: boolean): TopicValidatorResult {
    this.init.rejected(group, peer, error)
    this.init.guard.rejected(peer, error, own)
    return TopicValidatorResult.Reject
  }

  /** Syncs with a peer a while after its gossip was throttled, to fetch what was dropped: once per pause, not per entry. */
  private catchUpLater(group: GroupLog, peer: string): void {
    const key = `${group.idHex}/${peer}`
    if (this.catchUps.has(key)) return
    const timer = setTimeout(() => {
      this.catchUps.delete(key)
      if (!this.init.guard.graylisted(peer)) this.init.requestSync(group, peer)
    }, THROTTLED_CATCH_UP_MS)
    ;(timer as { unref?: () => void }).unref?.()
    this.catchUps.set(key, timer)
  }
}
