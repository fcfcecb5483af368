/**
 * The signals service: for each open group, a gossip topic of its own
 * beside the entries' (`<group topic>/signals`) carrying what members say
 * about themselves now — typing, online, away, gone (signal-frames.ts) —
 * and what that means now (signal-states.ts), as events for the UIs.
 *
 * This device says it is online when a group opens and every
 * PRESENCE_EVERY_MS after, away when the runtime says so, typing while the
 * person types (at most every TYPING_EVERY_MS), and offline when it stops;
 * nothing when the person turned sharing off. What arrives is checked
 * before it counts or is passed on: the frame, a current member as author
 * (not this device, not a blocked one), an epoch whose key this device
 * holds (never the group's first, whose key every invite link carries),
 * the signature, the seal, the clock, the author's rate.
 */
import { type GossipSub, type Message, TopicValidatorResult } from '@libp2p/gossipsub'
import { type PeerId, type Startable, serviceCapabilities, serviceDependencies } from '@libp2p/interface'
import { TypedEventEmitter } from 'main-event'
import { equals } from 'uint8arrays/equals'
import { fromHex, toHex } from '../codec/hex.ts'
import { nobleXChaCha, type XChaChaAead } from '../crypto/body-cipher.ts'
import { libp2pSignatures, type Signatures } from '../identity/signatures.ts'
import type { GroupLog } from '../log/group-log.ts'
import type { Groups } from '../peer/groups.ts'
import { openSignal, readSignalHeader, type SignalKind, sealSignal } from './signal-frames.ts'
import { MAX_CLOCK_SKEW_MS, type MemberPresence, PRESENCE_EVERY_MS, type SignalChange, SignalStates, TYPING_EVERY_MS } from './signal-states.ts'

export interface GroupSignalsInit {
  signatures?: Signatures
  aead?: XChaChaAead
  now?: () => number
  /** Share this device's presence and typing (default true); the runtime may change it later (setSharing). */
  share?: boolean
}

export interface GroupSignalsComponents {
  pubsub: GossipSub
  groups: Groups
}

export interface TypingEvent {
  groupId: string
  member: string
  typing: boolean
}

export interface PresenceEvent {
  groupId: string
  member: string
  presence: MemberPresence
}

export interface SignalEvents {
  'signal:typing': CustomEvent<TypingEvent>
  'signal:presence': CustomEvent<PresenceEvent>
}

/** Between a member's device joining a signal topic and this one saying its presence there: the mesh forms meanwhile. */
const GREET_AFTER_MS = 200
/** How often lapsed typing and presence are looked for. */
const EXPIRY_TICK_MS = 1_000

export function signalTopic(log: GroupLog): string {
  return `${log.topic}/signals`
}

export class GroupSignals extends TypedEventEmitter<SignalEvents> implements Startable {
  readonly [Symbol.toStringTag] = '@causette/signals'
  readonly [serviceCapabilities] = ['@causette/signals']
  readonly [serviceDependencies] = ['@libp2p/pubsub', '@causette/groups']
  private readonly components: GroupSignalsComponents
  private readonly signatures: Signatures
  private readonly aead: XChaChaAead
  private readonly now: () => number
  private readonly states: SignalStates
  private share: boolean
  private away = false
  /** Groups this device said it is typing in, and when it last said so. */
  private readonly typingSent = new Map<string, number>()
  private timers: Array<ReturnType<typeof setInterval>> = []
  private watching = new AbortController()
  private started = false
  /** Signal topics a presence is about to be said in, after someone joined them, with the timer that will. */
  private readonly greeting = new Map<string, ReturnType<typeof setTimeout>>()

  constructor(components: GroupSignalsComponents, init: GroupSignalsInit = {}) {
    super()
    this.components = components
    this.signatures = init.signatures ?? libp2pSignatures()
    this.aead = init.aead ?? nobleXChaCha
    this.now = init.now ?? Date.now
    this.states = new SignalStates(this.now)
    this.share = init.share ?? true
  }

  start(): void {}

  afterStart(): void {
    const { groups } = this.components
    this.started = true
    this.watching = new AbortController()
    const { signal } = this.watching
    groups.addEventListener('group:opened', (evt) => this.subscribe(evt.detail), { signal })
    groups.addEventListener('group:closed', (evt) => this.unsubscribe(evt.detail), { signal })
    // a member's device that turns up hears this one's presence now, not at the next round
    this.components.pubsub.addEventListener(
      'subscription-change',
      (evt) => {
        for (const { topic, subscribe } of evt.detail.subscriptions) if (subscribe) this.greet(topic)
      },
      { signal }
    )
    for (const log of groups.all()) this.subscribe(log)
    this.timers = [setInterval(() => this.sayPresence(), PRESENCE_EVERY_MS), setInterval(() => this.expire(), EXPIRY_TICK_MS)]
  }

  /** Says goodbye in every group and leaves the signal topics, while gossipsub is still up. */
  async beforeStop(): Promise<void> {
    const logs = this.components.groups.all()
    if (this.started && this.share) await Promise.all(logs.map((log) => this.send(log, 'offline')))
    for (const log of logs) this.unsubscribe(log)
  }

  stop(): void {
    this.started = false
    this.watching.abort()
    for (const timer of this.timers) clearInterval(timer)
    this.timers = []
    for (const timer of this.greeting.values()) clearTimeout(timer)
    this.greeting.clear()
  }

  /** The person types (or stopped: sent, cleared the field, left): said at most every TYPING_EVERY_MS while it lasts. */
  setTyping(groupId: string, typing: boolean): void {
    const log = this.components.groups.find(groupId)
    if (log === undefined) return
    const last = this.typingSent.get(groupId)
    if (typing) {
      if (last !== undefined && this.now() - last < TYPING_EVERY_MS) return
      this.typingSent.set(groupId, this.now())
      void this.send(log, 'typing')
    } else if (last !== undefined) {
      this.typingSent.delete(groupId)
      void this.send(log, 'stopped')
    }
  }

  /** The person is away (the tab hidden, the screen locked) or back. */
  setAway(away: boolean): void {
    if (away === this.away) return
    this.away = away
    this.sayPresence()
  }

  /** Turns sharing presence and typing on or off; off says "offline" once in every group, then nothing. */
  setSharing(share: boolean): void {
    if (share === this.share) return
    if (!share) for (const log of this.components.groups.all()) void this.send(log, 'offline')
    this.share = share
    this.typingSent.clear()
    if (share) this.sayPresence()
  }

  get sharing(): boolean {
    return this.share
  }

  /** Members typing in the group now (device keys). */
  typing(groupId: string): string[] {
    return this.states.typing(groupId)
  }

  /** What the group's signals say of a member now. */
  presence(groupId: string, member: string): MemberPresence {
    return this.states.presence(groupId, member)
  }

  private subscribe(log: GroupLog): void {
    if (!this.started) return
    const { pubsub } = this.components
    const topic = signalTopic(log)
    pubsub.topicValidators.set(topic, (peer, msg) => this.validate(log, peer, msg))
    pubsub.subscribe(topic)
    if (this.share) void this.send(log, this.away ? 'away' : 'online')
  }

  private unsubscribe(log: GroupLog): void {
    const { pubsub } = this.components
    const topic = signalTopic(log)
    try {
      if (pubsub.getTopics().includes(topic)) pubsub.unsubscribe(topic)
    } catch {
      // gossipsub refuses an unsubscribe once it stopped: its subscriptions went with it
    }
    pubsub.topicValidators.delete(topic)
    this.states.forget(log.idHex)
    this.typingSent.delete(log.idHex)
  }

  /** Says this device's presence in the group of a signal topic someone just joined (once for a burst of them). */
  private greet(topic: string): void {
    if (!topic.endsWith('/signals') || this.greeting.has(topic)) return
    const log = this.components.groups.all().find((g) => signalTopic(g) === topic)
    if (log === undefined || !this.share) return
    this.greeting.set(
      topic,
      setTimeout(() => {
        this.greeting.delete(topic)
        void this.send(log, this.away ? 'away' : 'online')
      }, GREET_AFTER_MS)
    )
  }

  private sayPresence(): void {
    if (!this.started || !this.share) return
    for (const log of this.components.groups.all()) void this.send(log, this.away ? 'away' : 'online')
  }

  /** Seals and publishes a signal under the group's writing epoch; nothing when this device has no usable key yet. */
  private async send(log: GroupLog, kind: SignalKind): Promise<void> {
    if (!this.share || !this.started || !log.isMember()) return
    const epoch = log.membership()?.writingEpoch()
    const key = epoch === undefined ? undefined : log.keys.getHex(epoch.id)
    if (epoch === undefined || key === undefined || epoch.recipients === null) return
    const { groups, pubsub } = this.components
    try {
      const frame = await sealSignal(
        { group: log.id, author: groups.key.publicKey, epoch: fromHex(epoch.id), kind, time: this.now() },
        key,
        groups.key,
        this.signatures,
        this.aead
      )
      await pubsub.publish(signalTopic(log), frame)
    } catch {
      // no peer on the topic, or stopping: a signal is only worth something now
    }
  }

  private async validate(log: GroupLog, _peer: PeerId, msg: Message): Promise<TopicValidatorResult> {
    const header = readSignalHeader(msg.data)
    if (header === undefined || !equals(header.group, log.id)) return TopicValidatorResult.Reject
    const author = toHex(header.author)
    const epochHex = toHex(header.epoch)
    const { groups } = this.components
    if (author === toHex(groups.key.publicKey)) return TopicValidatorResult.Ignore
    const epoch = log.membership()?.epochs.find((e) => e.id === epochHex)
    // the first epoch's key comes from the secret every invite link carries: no signal is sealed under it
    if (epoch !== undefined && epoch.recipients === null) return TopicValidatorResult.Reject
    const key = log.keys.getHex(epochHex)
    // an epoch not known here yet, or a member not (yet, or no longer) in the group as this device sees it
    if (epochHex === '' || key === undefined || log.membership()?.members.has(author) !== true) return TopicValidatorResult.Ignore
    if (groups.blocks.current.has(author)) return TopicValidatorResult.Ignore
    if (!(await this.signatures.verify(header.author, header.signature, header.signed))) return TopicValidatorResult.Reject
    const signal = openSignal(header, key, this.aead)
    if (signal === undefined) return TopicValidatorResult.Reject
    if (Math.abs(signal.time - this.now()) > MAX_CLOCK_SKEW_MS) return TopicValidatorResult.Ignore
    if (!this.states.admit(log.idHex, author)) return TopicValidatorResult.Ignore
    this.report(log.idHex, this.states.apply(log.idHex, author, signal.kind))
    return TopicValidatorResult.Accept
  }

  private expire(): void {
    for (const groupId of this.states.groupIds()) for (const change of this.states.expire(groupId)) this.report(groupId, change)
  }

  private report(groupId: string, change: SignalChange): void {
    if (change.typing !== undefined) this.safeDispatchEvent('signal:typing', { detail: { groupId, member: change.member, typing: change.typing } })
    if (change.presence !== undefined)
      this.safeDispatchEvent('signal:presence', { detail: { groupId, member: change.member, presence: change.presence } })
  }
}

export function groupSignals(init: GroupSignalsInit = {}): (components: GroupSignalsComponents) => GroupSignals {
  return (components) => new GroupSignals(components, init)
}
