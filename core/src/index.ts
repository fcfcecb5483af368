/**
 * @causette/core — the part of Causette that runs unchanged in browsers and
 * Node: device identity, the entry codec, group encryption, the group log and
 * its materialised view, and the Store interface. Runtimes inject what is
 * theirs (storage engine, fast signatures, transports). Two more entries
 * hold what only some runtimes load: `@causette/core/backups` (backup and
 * bundle files; a browser loads it on demand) and
 * `@causette/core/mailbox-serving` (what a relay's mailbox needs).
 *
 * ```ts
 * import { GroupLog, MemoryStore, generateDeviceKey } from '@causette/core'
 * const log = await GroupLog.create({ name: 'Climbing', key: await generateDeviceKey(), store: new MemoryStore() })
 * await log.append({ type: 'message', text: 'Sunday at 10?' })
 * ```
 */

export { BlobRefusedError, FileTooLargeError, FileUnavailableError, MalformedBlobError } from './blob/blob-errors.ts'
export { askForBlobs } from './blob/blob-exchange.ts'
export { blobId, CHUNK_BYTES, MAX_BLOB_BYTES, type Manifest, openManifest } from './blob/blob-format.ts'
export { BLOB_PROTOCOL, decodeAnswer, decodeRequest, encodeAnswer, encodeRequest } from './blob/blob-frames.ts'
export { type BlobStore, MemoryBlobStore } from './blob/blob-store.ts'
export type { FileKeys } from './blob/file-reading.ts'
export type { WrittenFile } from './blob/file-writing.ts'
export { DEFAULT_MAX_FILE_BYTES, GroupBlobs, type GroupBlobsEvents, type ReadOptions } from './blob/group-blobs.ts'
export {
  type HandoverLedger,
  type HandoverOutcome,
  MAX_AGE_MS,
  MemoryHandoverLedger,
  type PendingHandover,
  REFUSED_PAUSES_MS,
  RETRY_PAUSES_MS,
  RelayHandovers
} from './blob/relay-handovers.ts'
export { checkLifetime, expiryOf } from './chat/disappearing.ts'
export { disappearsIn } from './chat/disappearing-words.ts'
export { type ExportAuthor, exportLine } from './chat/export-line.ts'
export { type FileView, fileKeysOf, fileRefOf, fileView } from './chat/file-view.ts'
export { type SearchHit, type SearchOptions, searchMessages } from './chat/message-search.ts'
export type { GroupMetadata, Message, MessagePage, Reaction, ViewEntry } from './chat/message-types.ts'
export { type ArrivedMessage, type Circumstances, FRESH_MS, type NotifyLevel, notificationReason } from './chat/notification-rules.ts'
export type * from './chat/operations.ts'
export { decodeOperation, encodeOperation } from './chat/operations.ts'
export { readPinned } from './chat/pinned.ts'
export {
  type CastClose,
  type CastVote,
  mayClose,
  mayPin,
  type Poll,
  type PollOption,
  tallyPoll,
  type VoteProblem,
  voteProblem
} from './chat/polls.ts'
export { foldWord, MAX_SEARCH_WORDS, searchWords, textHasWords } from './chat/search-words.ts'
export { type SeenBy, seenBy } from './chat/seen-by.ts'
export type { KeyedMessage, StoredView, ViewSnapshot } from './chat/stored-view.ts'
export { type ReadPosition, readUpToNow, UNREAD_CAP, type Unread, unreadOf } from './chat/unread.ts'
export { GroupView } from './chat/view.ts'
export { latestPins, type RenderedRegisters, renderMessages, renderPage, renderRegisters } from './chat/view-render.ts'
export {
  AUTHOR_REGISTERS,
  type ChangeRow,
  type CloseRow,
  type DeleteRow,
  type EditRow,
  GROUP_REGISTERS,
  type HiddenRange,
  hiddenRangesOf,
  isHidden,
  type MessageRow,
  type MessageRows,
  type PinRow,
  type ReactionRow,
  type RegisterName,
  type RegisterRow,
  rowHidden,
  rowsOf,
  type ViewRow,
  type VoteRow
} from './chat/view-rows.ts'
export { decodeEntry, type Entry, type EntryFields, encodeEntry, type Sha256, signedBytesOf, signingPayload } from './codec/entry-codec.ts'
export { joinEntryIds, splitEntryIds } from './codec/entry-ids.ts'
export { EXPIRING_ENTRY_VERSION, erasedBytesOf } from './codec/expiring-entry-codec.ts'
export { fromHex, shortHex, toHex } from './codec/hex.ts'
export * from './constants.ts'
export { type BodyContext, nobleXChaCha, openBody, sealBody, type XChaChaAead } from './crypto/body-cipher.ts'
export { builtinX25519 } from './crypto/builtin-x25519.ts'
export { type EpochGrant, type EpochKeyRecord, grantEpochKey, newEpochKey, openGrant, openHistory, sealHistory } from './crypto/epoch-grant.ts'
export { EpochKeys } from './crypto/epoch-keys.ts'
export { firstEpochKey, generateGroupSecret, groupTopic, syncAuthKey } from './crypto/group-keys.ts'
export { type MemberKeyPair, memberKeyPair } from './crypto/member-key.ts'
export { defaultX25519, nobleX25519, type X25519 } from './crypto/x25519.ts'
export { type DeviceLink, deviceLinkText, deviceLinkWebText, parseDeviceLink } from './devices/device-link.ts'
export * from './devices/device-link-errors.ts'
export { type DeviceLinking, type DeviceLinkingInit, deviceLinking, type LinkedPerson } from './devices/device-linking.ts'
export type { ArrivedDevice, LinkOffer } from './devices/link-offer.ts'
export type { OwnDevice } from './devices/own-devices.ts'
export * from './devices/person-record.ts'
export * from './devices/person-setting.ts'
export * from './devices/person-settings.ts'
export * from './devices/setting-writer.ts'
export * from './errors.ts'
export * from './gossip/gossip-guard.ts'
export { GossipGuard, type GossipGuardInit } from './gossip/gossip-guard.ts'
export { gossipMessageId, messageIdOf } from './gossip/gossip-ids.ts'
export { boundDeliveryRecords, DELIVERY_RECORD_MS, GOSSIP_SEEN_TTL_MS } from './gossip/gossip-memory.ts'
export { type GroupGossip, type GroupGossipComponents, type GroupGossipInit, groupGossip } from './gossip/group-gossip.ts'
export { Frontier, type MembershipEntry } from './group/frontier.ts'
export { findInvite, type InviteInfo, type InviteView, inviteToken, listInvites } from './group/invite-records.ts'
export * from './group/membership-operations.ts'
export {
  type EntryRef,
  type EpochInfo,
  epochIdOf,
  type Gap,
  type InviteStatus,
  inGap,
  type Member,
  type MemberInfo,
  MembershipState
} from './group/membership-state.ts'
export { devicesOf, personNamed } from './group/person-devices.ts'
export { requireAdmin, requireAnotherAdmin, requireModerator, type Standing, standingOf } from './group/standing.ts'
export { certifyDevice, checkDeviceCertificate, DEVICE_CERTIFICATE_BYTES } from './identity/device-certificate.ts'
export { assertPublicKey, type DeviceKey, deviceKeyFromBytes, deviceKeyToBytes, generateDeviceKey } from './identity/device-key.ts'
export { fingerprint, type Sha512, safetyNumber } from './identity/safety-number.ts'
export { libp2pSignatures, type Signatures } from './identity/signatures.ts'
export {
  encodeInvitePayload,
  INVITE_ID_BYTES,
  INVITE_VERSION,
  type Invite,
  inviteLink,
  inviteWebLink,
  newInviteId,
  parseInvite
} from './invite/invite.ts'
export { checkInviteProof, invitePublicKey, proveInvite } from './invite/invite-key.ts'
export { type BatchVerification, verifyBatch } from './log/batch-verification.ts'
export { type EntryDraft, writeEntry } from './log/entry-writer.ts'
export {
  type AddOptions,
  type AddResult,
  type EntriesAdded,
  type EntrySource,
  type Equivocation,
  GroupLog,
  type GroupLogEvents,
  type GroupLogInit,
  type LogEntry,
  type Rejection
} from './log/group-log.ts'
export { compareOrder, fromOrderKey, ORDER_KEY_BYTES, type Ordered, type OrderFields, orderKey } from './log/order.ts'
export type { ReadPage, ReadResult, StoredLogEntry } from './log/stored-entries.ts'
export {
  CAPABILITY_BYTES,
  decodeKeepAnswer,
  decodeKeepRequest,
  encodeKeepAnswer,
  encodeKeepRequest,
  KEEP_PROTOCOL,
  type KeepAnswer,
  type KeepRequest,
  MAX_KEEP_FRAME_BYTES
} from './mailbox/keep-frames.ts'
export { baseCapability, type EpochCapability, MAILBOX_CAPABILITIES_TRIED, mailboxCapabilities, mailboxCapability } from './mailbox/mailbox-key.ts'
export type { MailboxState } from './mailbox/mailbox-states.ts'
export { type MailboxEvents, Mailboxes, type MailboxesComponents, type MailboxesInit, mailboxes } from './mailbox/mailboxes.ts'
export { askToKeep, MailboxNotKeptError, type MailboxSyncResult, type RelayExchangeInit, syncWithMailbox } from './mailbox/relay-exchange.ts'
export { CausettePeer, type CausettePeerInit } from './peer/causette-peer.ts'
export { type ConnectionHandoverComponents, connectionHandover } from './peer/connection-handover.ts'
export { type CausetteServices, type CoreServicesInit, causetteServices } from './peer/core-services.ts'
export {
  type BaseLibp2p,
  baseLibp2pOptions,
  type CausetteLibp2p,
  type CausetteLibp2pInit,
  createCausetteLibp2p,
  GOSSIP_THRESHOLDS,
  type GossipScoring,
  type Libp2pParts
} from './peer/create-libp2p.ts'
export { type Groups, type GroupsComponents, type GroupsInit, groups } from './peer/groups.ts'
export { addressesByPeer, type JoinProgress } from './peer/invite-flow.ts'
export {
  LINKS_PER_GROUP,
  type MemberLink,
  type MemberLinks,
  type MemberLinksComponents,
  type MemberLinksInit,
  memberLinks
} from './peer/member-links.ts'
export type * from './peer/peer-events.ts'
export * from './peer/reachability.ts'
export { type RelayReservationsComponents, type RelayReservationsInit, relayReservations } from './peer/relay-reservations.ts'
export {
  type GroupSignals,
  type GroupSignalsInit,
  groupSignals,
  type PresenceEvent,
  type SignalEvents,
  signalTopic,
  type TypingEvent
} from './signals/group-signals.ts'
export { MAX_SIGNAL_BYTES, SIGNAL_KINDS, type Signal, type SignalKind, sealSignal } from './signals/signal-frames.ts'
export {
  type MemberPresence,
  PRESENCE_EVERY_MS,
  PRESENCE_TTL_MS,
  type PresenceState,
  TYPING_EVERY_MS,
  TYPING_TTL_MS
} from './signals/signal-states.ts'
export { MemoryStore } from './store/memory-store.ts'
export {
  type AuthorActivity,
  type EntryFacts,
  type ExpiringEntry,
  type GroupRecord,
  type KeyRange,
  type ListEntriesOptions,
  type MessageRowsOptions,
  type SearchRowsOptions,
  type Store,
  type StoredEntry,
  type StoredFacts,
  storedEntryOf
} from './store/store.ts'
export { type Bound, INFINITY, minimalBound, ZERO } from './sync/bounds.ts'
export { FINGERPRINT_BYTES, FingerprintAccumulator } from './sync/fingerprint.ts'
export { decodeFrame, encodeFrame, MAX_SYNC_FRAME_BYTES, SYNC_VERSION, type SyncFrame } from './sync/frames.ts'
export { type GroupSync, type GroupSyncComponents, type GroupSyncInit, groupSync } from './sync/group-sync.ts'
export { checkProof, membershipProof, newNonce, type ProofContext, syncTag } from './sync/membership-proof.ts'
export { BUCKET_SIZE, type Bucket, OrderBuckets } from './sync/order-buckets.ts'
export { OrderedRanges, type SyncItem } from './sync/ordered-ranges.ts'
export { ID_PREFIX_BYTES, type Range, Reconciler, type ReconcilerOptions, type ReconcileStep } from './sync/reconciler.ts'
export { boundKey, StoreRanges } from './sync/store-ranges.ts'
export { SyncCascade } from './sync/sync-cascade.ts'
export * from './sync/sync-errors.ts'
export type { RangeSummary, SyncRanges } from './sync/sync-ranges.ts'
export { type SyncScheduler, syncScheduler } from './sync/sync-scheduler.ts'
export { type SyncProgress, SyncSession, type SyncSessionInit } from './sync/sync-session.ts'
export { runSyncSession, SYNC_PROTOCOL, type SyncStreamOptions, type SyncTraffic } from './sync/sync-stream.ts'
export type { SyncedAddResult, SyncedLog } from './sync/synced-log.ts'
