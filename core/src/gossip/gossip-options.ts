/**
 * The gossipsub options every peer of a group's gossip must share — a
 * member's daemon or tab, and a relay that keeps the group
 * (relay/src/mailbox/mailbox-gossip.ts): messages are entries, unsigned by
 * gossipsub (they carry their own signatures), identified by the SHA-256
 * of their bytes (so IHAVE and IWANT name the same message everywhere),
 * and no larger than an entry. `sha256` is the runtime's hash for those
 * ids (noble's when absent).
 */
import { type GossipsubOpts, StrictNoSign } from '@libp2p/gossipsub'
import type { Sha256 } from '../codec/entry-codec.ts'
import { toHex } from '../codec/hex.ts'
import { MAX_ENTRY_BYTES } from '../constants.ts'
import { gossipMessageId } from './gossip-ids.ts'
import { GOSSIP_SEEN_TTL_MS } from './gossip-memory.ts'

export function sharedGossipOptions(sha256?: Sha256): Partial<GossipsubOpts> {
  return {
    // entries carry their own signatures: gossipsub's would be a second, costlier one
    globalSignaturePolicy: StrictNoSign,
    // an entry's id is the hash of its bytes, so the message id is the entry id and duplicates drop early
    msgIdFn: (msg) => gossipMessageId(msg.data, sha256),
    // the ids' text is only ever a key of gossipsub's own maps: hex is quicker to make than its default base64
    msgIdToStrFn: toHex,
    maxInboundDataLength: MAX_ENTRY_BYTES + 1024,
    // what gossipsub remembers of each message, for as long as gossip needs it (gossip-memory.ts)
    seenTTL: GOSSIP_SEEN_TTL_MS,
    emitSelf: false
  }
}
