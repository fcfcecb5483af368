/**
 * GroupTopics: each open group as a gossipsub topic — subscribing with the
 * group's validator, leaving, publishing what this device writes, and which
 * peers are in the group right now (their subscriptions), with the sync
 * that starts when a member turns up.
 */
import { type Message, TopicValidatorResult } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { GroupLog } from '../log/group-log.ts'
import type { CausetteLibp2p } from '../peer/create-libp2p.ts'
import { type GroupPresence, watchMembers } from '../peer/group-presence.ts'
import type { GroupRegistry } from '../peer/group-registry.ts'
import { removedFrom } from '../peer/invite-flow.ts'
import type { GossipValidator } from './gossip-validator.ts'

export interface GroupTopicsComponents {
  libp2p: CausetteLibp2p
  registry: GroupRegistry
  presence: GroupPresence
  validator: GossipValidator
  /** A member's peer subscribed to the group's topic (new), or left it or disconnected. */
  joined: (groupId: string, peer: string) => void
  left: (groupId: string, peer: string) => void
  requestSync: (groupId: string, peer: string) => void
}

export class GroupTopics {
  private readonly components: GroupTopicsComponents
  private started = false

  constructor(components: GroupTopicsComponents) {
    this.components = components
  }

  /** Goes online: follows subscriptions and subscribes to every group already open. */
  start(): void {
    const { libp2p, registry } = this.components
    this.started = true
    watchMembers(libp2p, {
      groupOf: (topic) => registry.byTopicName(topic),
      joined: (group, peer) => this.memberJoined(group, peer),
      left: (peer, group) => {
        for (const g of group === undefined ? registry.all() : [group]) this.memberLeft(g, peer)
      }
    })
    for (const group of registry.all()) this.subscribe(group)
  }

  stop(): void {
    this.started = false
  }

  /** Subscribes to a group opened while online (offline, start() does it). */
  add(log: GroupLog): void {
    if (this.started) this.subscribe(log)
  }

  /** Leaves a group's topic and forgets who was in it. */
  remove(log: GroupLog): void {
    const { libp2p, presence } = this.components
    if (this.started) {
      libp2p.services.pubsub.unsubscribe(log.topic)
      libp2p.services.pubsub.topicValidators.delete(log.topic)
    }
    for (const peer of presence.connected(log.idHex)) presence.left(log.idHex, peer)
  }

  /** Publishes an entry this device wrote; offline, sync brings it to the others later. */
  publish(log: GroupLog, bytes: Uint8Array): void {
    if (!this.started) return
    this.components.libp2p.services.pubsub.publish(log.topic, bytes).catch(() => {
      // stored and durable: sync delivers it to peers that missed the publish
    })
  }

  private subscribe(log: GroupLog): void {
    const pubsub = this.components.libp2p.services.pubsub
    pubsub.topicValidators.set(log.topic, (peerId, msg) => this.validate(peerId, msg))
    pubsub.subscribe(log.topic)
    // peers already subscribed before we joined
    for (const peerId of pubsub.getSubscribers(log.topic)) this.memberJoined(log, peerId.toString())
  }

  private validate(peerId: PeerId, msg: Message): Promise<TopicValidatorResult> {
    const group = this.components.registry.byTopicName(msg.topic)
    return group === undefined ? Promise.resolve(TopicValidatorResult.Ignore) : this.components.validator.validate(group, peerId, msg.data)
  }

  private memberJoined(group: GroupLog, peer: string): void {
    const { presence, libp2p } = this.components
    if (!presence.joined(group.idHex, peer)) return
    this.components.joined(group.idHex, peer)
    // both sides see the subscription; the lower peer id starts the sync so it runs once
    if (libp2p.peerId.toString() < peer && !removedFrom(group, peerIdFromString(peer))) this.components.requestSync(group.idHex, peer)
  }

  private memberLeft(group: GroupLog, peer: string): void {
    if (this.components.presence.left(group.idHex, peer)) this.components.left(group.idHex, peer)
  }
}
