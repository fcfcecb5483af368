/**
 * The relay in its groups' gossip: it follows the topic of each group it
 * keeps (an admin named it: mailbox-topics.ts), so a message reaches the
 * mailbox the moment its author publishes it, and the relay forwards it to
 * the members connected to it — members who share no connection with each
 * other still chat live through it. What arrives is checked as in a sync
 * (mailbox-log.ts: encoding, size, group, signature, the author's rate,
 * quotas) and kept only when its author is a device the mailbox serves: a
 * member removed from the group writes nothing here, by gossip or by sync.
 *
 * Entries are written in batches (one transaction for what arrived within
 * a few milliseconds), and a message is forwarded once kept, or when the
 * mailbox held it already. Anything else is dropped quietly (Ignore), never
 * punished (Reject): the relay judges what it keeps, members judge peers.
 */
import { decodeEntry, type Entry } from '@causette/core/mailbox-serving'
import { type GossipSub, type Message, TopicValidatorResult } from '@libp2p/gossipsub'
import type { MailboxCounters } from './mailbox-counters.ts'
import type { MailboxLog } from './mailbox-log.ts'
import type { MailboxRecord, MailboxStore } from './mailbox-store.ts'
import type { MemberIndex } from './member-index.ts'

/** How long arriving entries wait to be written together, and how many at most. */
const BATCH_MS = 10
const BATCH_MAX = 256

interface Waiting {
  bytes: Uint8Array
  id: Uint8Array
  kept: (kept: boolean) => void
}

export interface MailboxGossipParts {
  store: MailboxStore
  members: MemberIndex
  counters: MailboxCounters
  /** The mailbox as the sync protocol sees it, which checks and stores entries. */
  logOf: (record: MailboxRecord) => MailboxLog
}

export class MailboxGossip {
  private readonly pubsub: GossipSub
  private readonly parts: MailboxGossipParts
  /** Topic → the mailboxes following it (one, unless several admins' mailboxes name one group). */
  private readonly byTopic = new Map<string, Set<number>>()
  private waiting = new Map<number, Waiting[]>()
  private timer: ReturnType<typeof setTimeout> | undefined
  private stopped = false

  constructor(pubsub: GossipSub, parts: MailboxGossipParts) {
    this.pubsub = pubsub
    this.parts = parts
  }

  /** Follows the topics of the groups kept already. */
  start(): void {
    for (const [mailbox, topic] of this.parts.store.topics.all()) this.follow(mailbox, topic)
  }

  /** Follows a mailbox's topic (from a keep request), leaving the one it had if it changed. */
  follow(mailbox: number, topic: string): void {
    for (const [other, mailboxes] of this.byTopic) {
      if (other !== topic && mailboxes.delete(mailbox) && mailboxes.size === 0) this.leave(other)
    }
    let mailboxes = this.byTopic.get(topic)
    if (mailboxes === undefined) {
      mailboxes = new Set()
      this.byTopic.set(topic, mailboxes)
      this.pubsub.topicValidators.set(topic, (_peer, msg) => this.validate(msg))
      this.pubsub.subscribe(topic)
    }
    mailboxes.add(mailbox)
  }

  /** Topics followed, for /metrics. */
  get topics(): number {
    return this.byTopic.size
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
    for (const batch of this.waiting.values()) for (const w of batch) w.kept(false)
    this.waiting.clear()
    // the node stops first (relay.ts): gossipsub has dropped its subscriptions already
    for (const topic of this.byTopic.keys()) this.pubsub.topicValidators.delete(topic)
    this.byTopic.clear()
  }

  private leave(topic: string): void {
    this.byTopic.delete(topic)
    this.pubsub.topicValidators.delete(topic)
    try {
      this.pubsub.unsubscribe(topic)
    } catch {
      // gossipsub not running: it holds no subscription to leave
    }
  }

  private async validate(msg: Message): Promise<TopicValidatorResult> {
    const mailboxes = this.byTopic.get(msg.topic)
    if (mailboxes === undefined || this.stopped) return TopicValidatorResult.Ignore
    let entry: Entry
    try {
      entry = decodeEntry(msg.data)
    } catch (err) {
      this.parts.counters.refused(err as Error)
      return TopicValidatorResult.Ignore
    }
    const kept = await Promise.all([...mailboxes].map((mailbox) => this.keep(mailbox, entry, msg.data)))
    return kept.includes(true) ? TopicValidatorResult.Accept : TopicValidatorResult.Ignore
  }

  /** Whether the mailbox keeps the entry (now, or already). */
  private keep(mailbox: number, entry: Entry, bytes: Uint8Array): Promise<boolean> {
    const { store, members } = this.parts
    // a removed member, or anyone the admins did not name, writes nothing here
    if (!members.serves(mailbox, entry.author)) return Promise.resolve(false)
    if (store.has(mailbox, entry.id)) return Promise.resolve(true)
    return new Promise((kept) => {
      const batch = this.waiting.get(mailbox) ?? []
      batch.push({ bytes, id: entry.id, kept })
      this.waiting.set(mailbox, batch)
      if (batch.length >= BATCH_MAX) this.flushSoon(0)
      else this.flushSoon(BATCH_MS)
    })
  }

  private flushSoon(ms: number): void {
    if (this.timer !== undefined && ms > 0) return
    clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = undefined
      void this.flush()
    }, ms)
  }

  private async flush(): Promise<void> {
    const batches = this.waiting
    this.waiting = new Map()
    for (const [mailbox, batch] of batches) {
      const record = this.parts.store.get(mailbox)
      if (record === undefined) {
        for (const w of batch) w.kept(false)
        continue
      }
      try {
        const result = await this.parts.logOf(record).add(batch.map((w) => w.bytes))
        this.parts.counters.gossipStored += result.added.length
        // kept now, or by a sync that brought it meanwhile
        for (const w of batch) w.kept(this.parts.store.has(mailbox, w.id))
      } catch {
        for (const w of batch) w.kept(false)
      }
    }
  }
}
