/**
 * Core's libp2p services, as one map to add to a libp2p node's `services`
 * beside gossipsub (as `pubsub`) and identify: the groups (groups.ts), the
 * sync service (sync/group-sync.ts), live delivery (gossip/group-gossip.ts)
 * and member links (member-links.ts). Each is given by libp2p exactly the
 * components its factory names, the others among them; libp2p starts and
 * stops them with the node.
 *
 * ```ts
 * const node = await createLibp2p({
 *   privateKey: key.privateKey, transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()],
 *   services: { identify: identify(), pubsub: gossipsub(), ...causetteServices({ store }) }
 * })
 * const peer = new CausettePeer(node)
 * ```
 */
import type { GossipSub } from '@libp2p/gossipsub'
import type { PeerDiscoveryEvents, ServiceMap, TypedEventTarget } from '@libp2p/interface'
import type { BlobStore } from '../blob/blob-store.ts'
import { type GroupBlobs, type GroupBlobsComponents, groupBlobs } from '../blob/group-blobs.ts'
import type { HandoverLedger } from '../blob/relay-handovers.ts'
import type { Sha256 } from '../codec/entry-codec.ts'
import type { XChaChaAead } from '../crypto/body-cipher.ts'
import type { X25519 } from '../crypto/x25519.ts'
import { type DeviceLinking, type DeviceLinkingComponents, type DeviceLinkingInit, deviceLinking } from '../devices/device-linking.ts'
import type { GossipGuard } from '../gossip/gossip-guard.ts'
import { type GroupGossip, type GroupGossipComponents, groupGossip } from '../gossip/group-gossip.ts'
import type { PersonClaim } from '../group/membership-operations.ts'
import type { Signatures } from '../identity/signatures.ts'
import type { Mailboxes } from '../mailbox/mailboxes.ts'
import { type GroupSignals, type GroupSignalsComponents, groupSignals } from '../signals/group-signals.ts'
import type { Store } from '../store/store.ts'
import { type GroupSync, type GroupSyncComponents, groupSync } from '../sync/group-sync.ts'
import type { BlockList } from './block-list.ts'
import { type Groups, type GroupsComponents, groups } from './groups.ts'
import { type MemberLinks, type MemberLinksComponents, memberLinks } from './member-links.ts'

/** The services of a node a CausettePeer runs on, by the names their components are found under. */
export interface CausetteServices extends ServiceMap {
  /** gossipsub needs it, and member links rely on it to learn members' addresses. */
  identify: unknown
  pubsub: GossipSub
  groups: Groups
  groupSync: GroupSync
  groupGossip: GroupGossip
  memberLinks: MemberLinks
  /** Typing and presence on each group's signal channel (signals/group-signals.ts). */
  groupSignals: GroupSignals
  /** Files as blobs: kept, fetched and served (blob/group-blobs.ts). */
  groupBlobs: GroupBlobs
  /** Linking the person's new devices (devices/device-linking.ts). */
  deviceLinking: DeviceLinking
  /** Present when the runtime configured relays that keep its groups (mailbox/mailboxes.ts). */
  mailboxes?: Mailboxes
}

export interface CoreServicesInit {
  store: Store
  signatures?: Signatures
  /** The body cipher every log this peer opens seals and opens with (GroupLogInit.aead); noble's by default. */
  aead?: XChaChaAead
  /** The X25519 every log this peer opens grants and opens epoch keys with (GroupLogInit.x25519); noble's by default. */
  x25519?: X25519
  /** The hash of entry ids every log this peer opens computes with (GroupLogInit.sha256); noble's by default. */
  sha256?: Sha256
  now?: () => number
  /** Keep connections to the members of this device's groups, redialling lost ones (member-links.ts). Default true. */
  keepMemberLinks?: boolean
  /** Groups with more other members than this are not a full mesh: this device dials only that many (default LINKS_PER_GROUP). */
  linksPerGroup?: number
  syncIdleTimeoutMs?: number
  /** How often each group is reconciled with one connected member, as a safety net (ms); 0 turns it off. */
  antiEntropyMs?: number
  /** Share this device's presence and typing with its groups (default true; signals/group-signals.ts). */
  sharePresence?: boolean
  /** Where files' blobs are kept (blob/blob-store.ts); in memory by default. */
  blobs?: BlobStore
  /** The largest file this device sends or fetches (default 100 MB). */
  maxFileBytes?: number
  /** Where the files this device sent and a relay has not yet confirmed are remembered (blob/relay-handovers.ts); in memory by default. */
  handovers?: HandoverLedger
  /** What the services share with libp2p's own parts (create-libp2p.ts makes them); each is made fresh if left out. */
  blocks?: BlockList
  guard?: GossipGuard
  discoveries?: TypedEventTarget<PeerDiscoveryEvents>
  /** Whose device this is, once linked (GroupsInit.person). */
  person?: PersonClaim
  /** How a runtime keeps the person claim and hands over settings when linking devices. */
  linking?: DeviceLinkingInit
}

export interface CoreServiceFactories {
  groups: (components: GroupsComponents) => Groups
  groupSync: (components: GroupSyncComponents) => GroupSync
  groupGossip: (components: GroupGossipComponents) => GroupGossip
  memberLinks: (components: MemberLinksComponents) => MemberLinks
  groupSignals: (components: GroupSignalsComponents) => GroupSignals
  groupBlobs: (components: GroupBlobsComponents) => GroupBlobs
  deviceLinking: (components: DeviceLinkingComponents) => DeviceLinking
}

export function causetteServices(init: CoreServicesInit): CoreServiceFactories {
  const { now } = init
  return {
    groups: groups({
      store: init.store,
      signatures: init.signatures,
      aead: init.aead,
      x25519: init.x25519,
      sha256: init.sha256,
      now,
      blocks: init.blocks,
      person: init.person
    }),
    groupSync: groupSync({ idleTimeoutMs: init.syncIdleTimeoutMs, antiEntropyMs: init.antiEntropyMs, now }),
    groupGossip: groupGossip({ guard: init.guard }),
    memberLinks: memberLinks({ keep: init.keepMemberLinks, linksPerGroup: init.linksPerGroup, now, discoveries: init.discoveries }),
    groupSignals: groupSignals({ signatures: init.signatures, aead: init.aead, now, share: init.sharePresence }),
    groupBlobs: groupBlobs({ store: init.blobs, aead: init.aead, maxFileBytes: init.maxFileBytes, handovers: init.handovers }),
    deviceLinking: deviceLinking({ ...init.linking, ...(now === undefined ? {} : { now }) })
  }
}
