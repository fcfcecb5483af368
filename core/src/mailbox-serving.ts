/**
 * What a relay's mailbox needs of core, and no more (`@causette/core/mailbox-serving`):
 * the entry codec and signature checks, the order key, the sync session and
 * its stream adapter, and the keep protocol's frames. The relay imports
 * this rather than the whole of core (groups, gossip, the view), which it
 * never runs: about 7 MB less resident.
 */

export { answerBlobRequest } from './blob/blob-exchange.ts'
export { BLOB_PROTOCOL } from './blob/blob-frames.ts'
export { BLOB_KEEP_PROTOCOL, receiveBlobs } from './blob/blob-keeping.ts'
export { decodeEntry, type Entry } from './codec/entry-codec.ts'
export { erasedBytesOf } from './codec/expiring-entry-codec.ts'
export { ERASED_EARLY_TOLERANCE_MS } from './constants.ts'
export { EntryTooLargeError, ErasedTooEarlyError, WrongGroupError } from './errors.ts'
export { boundDeliveryRecords } from './gossip/gossip-memory.ts'
export { sharedGossipOptions } from './gossip/gossip-options.ts'
export { libp2pSignatures, type Signatures } from './identity/signatures.ts'
export { verifyBatch } from './log/batch-verification.ts'
export { orderKey } from './log/order.ts'
export { decodeKeepRequest, encodeKeepAnswer, KEEP_PROTOCOL, type KeepAnswer, type KeepRequest, MAX_KEEP_FRAME_BYTES } from './mailbox/keep-frames.ts'
export type { KeyRange } from './store/store.ts'
export { syncTag } from './sync/membership-proof.ts'
export { SyncSession } from './sync/sync-session.ts'
export { runSyncSession, SYNC_PROTOCOL } from './sync/sync-stream.ts'
export type { SyncedAddResult, SyncedLog } from './sync/synced-log.ts'
