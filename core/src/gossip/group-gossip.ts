/**
 * The gossip service: live delivery of each open group over gossipsub — its
 * topic (group-topics.ts), the validator that judges what peers gossip
 * (gossip-validator.ts) with the guard that scores them (gossip-guard.ts),
 * and the sync after a burst goes quiet (burst-follower.ts). It asks the
 * sync service for the syncs gossip shows are needed.
 *
 * ```ts
 * const guard = new GossipGuard()
 * services: {
 *   pubsub: gossipsub({ scoreParams: { appSpecificScore: guard.score, appSpecificWeight: 1 }, ... }),
 *   groups: groups({ store }), groupSync: groupSync(), groupGossip: groupGossip({ guard })
 * }
 * ```
 */
import { type Libp2pEvents, type PeerId, type Startable, serviceCapabilities, serviceDependencies, type TypedEventTarget } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'
import { peerIdFromString } from '@libp2p/peer-id'
import { TypedEventEmitter } from 'main-event'
import type { Groups } from '../peer/groups.ts'
import type { GossipEvents } from '../peer/peer-events.ts'
import type { GroupSync } from '../sync/group-sync.ts'
import { BurstFollower } from './burst-follower.ts'
import { GossipBatcher } from './gossip-batcher.ts'
import { GossipGuard } from './gossip-guard.ts'
import { GossipValidator } from './gossip-validator.ts'
import { GroupTopics, type GroupTopicsComponents } from './group-topics.ts'

export interface GroupGossipInit {
  /** Judges peers; create-libp2p.ts shares it with gossipsub's score and the connection gater. */
  guard?: GossipGuard
}

export interface GroupGossipComponents extends GroupTopicsComponents {
  peerId: PeerId
  events: TypedEventTarget<Libp2pEvents>
  /** To cut off a banned peer. */
  connectionManager: Pick<ConnectionManager, 'getConnections'>
  groups: Groups
  groupSync: Pick<GroupSync, 'presence' | 'request'>
}

export class GroupGossip extends TypedEventEmitter<GossipEvents> implements Startable {
  readonly [Symbol.toStringTag] = '@causette/gossip'
  readonly [serviceCapabilities] = ['@causette/gossip']
  readonly [serviceDependencies] = ['@libp2p/pubsub', '@causette/groups', '@causette/sync']
  readonly guard: GossipGuard
  private readonly validator: GossipValidator
  private readonly topics: GroupTopics
  private readonly bursts: BurstFollower
  private started = false
  /** Peers that are relays keeping the groups (mailbox/mailboxes.ts): in a group's gossip, but no member to sync with. */
  private readonly relays = new Set<string>()

  constructor(components: GroupGossipComponents, init: GroupGossipInit = {}) {
    super()
    this.guard = init.guard ?? new GossipGuard()
    this.bursts = new BurstFollower((groupId, peer) => components.groupSync.request(groupId, peer))
    this.validator = new GossipValidator({
      guard: this.guard,
      batcher: new GossipBatcher(),
      rejected: (group, peer, error) => this.safeDispatchEvent('rejected', { detail: { groupId: group.idHex, peer, error } }),
      // a relay's mailbox is synced by the mailbox service, with its capability: not as a member
      requestSync: (group, peer) => this.started && !this.relays.has(peer) && components.groupSync.request(group.idHex, peer),
      accepted: (group, peer) => {
        if (!this.relays.has(peer)) this.bursts.seen(group.idHex, peer)
      },
      connections: (peer) => components.connectionManager.getConnections(peerIdFromString(peer))
    })
    this.topics = new GroupTopics(components, {
      validator: this.validator,
      relay: (peer) => this.relays.has(peer),
      joined: (groupId, peer) => this.safeDispatchEvent('group:peer-joined', { detail: { groupId, peer } }),
      left: (groupId, peer) => this.safeDispatchEvent('group:peer-left', { detail: { groupId, peer } })
    })
  }

  start(): void {}

  /** These peers are relays keeping the groups: what they forward is judged as any gossip, but they are not taken for members. */
  relayPeers(peers: string[]): void {
    for (const peer of peers) this.relays.add(peer)
  }

  /** gossipsub subscribes only once started. */
  afterStart(): void {
    this.started = true
    this.topics.start()
  }

  beforeStop(): void {
    this.started = false
    this.topics.stop()
    this.bursts.stop()
    this.validator.stop()
  }

  stop(): void {}

  afterStop(): void {
    this.topics.unwatch()
  }
}

/** The gossip service factory, for libp2p's `services` (beside gossipsub as `pubsub`, groups and sync services). */
export function groupGossip(init: GroupGossipInit = {}): (components: GroupGossipComponents) => GroupGossip {
  return (components) => new GroupGossip(components, init)
}
