/**
 * GroupTopics: each open group as a gossipsub topic — subscribing with the
 * group's validator as the groups service opens it, leaving as it closes,
 * publishing what this device writes, and which peers are in the group
 * right now (their subscriptions), with the sync that starts when a member
 * turns up.
 */
import { type GossipSub, type Message, TopicValidatorResult } from '@libp2p/gossipsub'
import type { Libp2pEvents, PeerId, TypedEventTarget } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { GroupLog } from '../log/group-log.ts'
import type { Groups } from '../peer/groups.ts'
import { removedFrom } from '../peer/invite-flow.ts'
import type { GroupSync } from '../sync/group-sync.ts'
import type { GossipValidator } from './gossip-validator.ts'

/** The gossip service's components that topics use (read when used, so libp2p may make them in any order). */
export interface GroupTopicsComponents {
  peerId: PeerId
  pubsub: GossipSub
  events: TypedEventTarget<Libp2pEvents>
  groups: Groups
  /** Who is in each group (its presence), and the syncs that start when a member turns up. */
  groupSync: Pick<GroupSync, 'presence' | 'request'>
}

export interface GroupTopicsInit {
  validator: GossipValidator
  /** Whether a peer is a relay keeping the groups: subscribed to their topics, but no member (no presence, no sync as a member). */
  relay: (peer: string) => boolean
  /** A member's peer subscribed to the group's topic (new), or left it or disconnected. */
  joined: (groupId: string, peer: string) => void
  left: (groupId: string, peer: string) => void
}

export class GroupTopics {
  private readonly components: GroupTopicsComponents
  private readonly init: GroupTopicsInit
  private started = false
  private watching = new AbortController()

  constructor(components: GroupTopicsComponents, init: GroupTopicsInit) {
    this.components = components
    this.init = init
  }

  /** Goes online: follows subscriptions and subscribes to every group already open. */
  start(): void {
    const { groups } = this.components
    this.started = true
    this.watching = new AbortController()
    watchMembers(
      this.components,
      {
        groupOf: (topic) => groups.byTopicName(topic),
        joined: (group, peer) => this.memberJoined(group, peer),
        left: (peer, group) => {
          for (const g of group === undefined ? groups.all() : [group]) this.memberLeft(g, peer)
        }
      },
      this.watching.signal
    )
    const { signal } = this.watching
    groups.addEventListener('group:opened', (evt) => this.add(evt.detail), { signal })
    groups.addEventListener('group:closed', (evt) => this.remove(evt.detail), { signal })
    groups.addEventListener('group:wrote', (evt) => this.publish(evt.detail.log, evt.detail.encodings), { signal })
    for (const group of groups.all()) this.subscribe(group)
  }

  /** Publishes no more. */
  stop(): void {
    this.started = false
  }

  /** Stops following subscriptions and groups: once libp2p has stopped, so the disconnections of its stop are still seen. */
  unwatch(): void {
    this.watching.abort()
  }

  /** Subscribes to a group opened while online (offline, start() does it). */
  private add(log: GroupLog): void {
    if (this.started) this.subscribe(log)
  }

  /** Leaves a group's topic and forgets who was in it. */
  private remove(log: GroupLog): void {
    const { pubsub } = this.components
    const { presence } = this.components.groupSync
    if (this.started) {
      pubsub.unsubscribe(log.topic)
      pubsub.topicValidators.delete(log.topic)
    }
    for (const peer of presence.connected(log.idHex)) presence.left(log.idHex, peer)
  }

  /** Publishes the entries this device wrote, in order; offline, sync brings them to the others later. */
  private publish(log: GroupLog, encodings: Uint8Array[]): void {
    if (!this.started) return
    for (const bytes of encodings) {
      this.components.pubsub.publish(log.topic, bytes).catch(() => {
        // stored and durable: sync delivers it to peers that missed the publish
      })
    }
  }

  private subscribe(log: GroupLog): void {
    const { pubsub } = this.components
    pubsub.topicValidators.set(log.topic, (peerId, msg) => this.validate(peerId, msg))
    pubsub.subscribe(log.topic)
    // peers already subscribed before we joined
    for (const peerId of pubsub.getSubscribers(log.topic)) this.memberJoined(log, peerId.toString())
  }

  private validate(peerId: PeerId, msg: Message): Promise<TopicValidatorResult> {
    const group = this.components.groups.byTopicName(msg.topic)
    return group === undefined ? Promise.resolve(TopicValidatorResult.Ignore) : this.init.validator.validate(group, peerId, msg.data)
  }

  private memberJoined(group: GroupLog, peer: string): void {
    const { groupSync, peerId } = this.components
    if (this.init.relay(peer) || !groupSync.presence.joined(group.idHex, peer)) return
    this.init.joined(group.idHex, peer)
    // both sides see the subscription; the lower peer id starts the sync so it runs once
    if (peerId.toString() < peer && !removedFrom(group, peerIdFromString(peer))) groupSync.request(group.idHex, peer)
  }

  private memberLeft(group: GroupLog, peer: string): void {
    if (this.components.groupSync.presence.left(group.idHex, peer)) this.init.left(group.idHex, peer)
  }
}

/** Reports a member's peer subscribing to a group's topic, and leaving it (one group) or disconnecting (every group), until `signal` aborts. */
function watchMembers(
  sources: { pubsub: Pick<GossipSub, 'addEventListener'>; events: TypedEventTarget<Libp2pEvents> },
  on: {
    groupOf: (topic: string) => GroupLog | undefined
    joined: (group: GroupLog, peer: string) => void
    left: (peer: string, group?: GroupLog) => void
  },
  signal: AbortSignal
): void {
  sources.pubsub.addEventListener(
    'subscription-change',
    (evt) => {
      const peer = evt.detail.peerId.toString()
      for (const sub of evt.detail.subscriptions) {
        const group = on.groupOf(sub.topic)
        if (group === undefined) continue
        if (sub.subscribe) on.joined(group, peer)
        else on.left(peer, group)
      }
    },
    { signal }
  )
  sources.events.addEventListener('peer:disconnect', (evt) => on.left(evt.detail.toString()), { signal })
}
