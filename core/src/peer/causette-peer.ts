/**
 * CausettePeer: a full Causette peer — the libp2p node, the groups this
 * device is in, live delivery over gossipsub and catch-up over the sync
 * protocol. The same code runs in browsers and in the Node daemon; each
 * passes its own transports, discovery and store.
 *
 * ```ts
 * const peer = await CausettePeer.create({ key, store, transports: [tcp()], listen: ['/ip4/127.0.0.1/tcp/0'] })
 * await peer.start()
 * const group = await peer.createGroup('Climbing')
 * await peer.send(group.idHex, { type: 'message', text: 'Sunday at 10?' })
 * ```
 */
import { type Message, TopicValidatorResult } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { TypedEventEmitter } from 'main-event'
import type { Operation } from '../chat/operations.ts'
import { toHex } from '../codec/hex.ts'
import { ExpiredInviteError, UnknownGroupError } from '../errors.ts'
import type { DeviceKey } from '../identity/device-key.ts'
import type { Signatures } from '../identity/signatures.ts'
import { type Invite, newInviteId } from '../invite/invite.ts'
import { GroupLog, type LogEntry } from '../log/group-log.ts'
import type { Store } from '../store/store.ts'
import { syncTag } from '../sync/membership-proof.ts'
import { SyncSession } from '../sync/sync-session.ts'
import { runSyncSession, SYNC_PROTOCOL } from '../sync/sync-stream.ts'
import { type CausetteLibp2p, createCausetteLibp2p, type Libp2pParts } from './create-libp2p.ts'
import type { CausettePeerEvents, GroupStatus, SyncFinishedEvent } from './peer-events.ts'
import { type SyncScheduler, syncScheduler } from './sync-scheduler.ts'

export interface CausettePeerInit extends Libp2pParts {
  key: DeviceKey
  store: Store
  signatures?: Signatures
  now?: () => number
  /** Dial the peers discovery finds (mDNS on a LAN). Default true. */
  dialDiscovered?: boolean
  syncIdleTimeoutMs?: number
  /** How often each group is reconciled with one connected member, as a safety net (ms); 0 turns it off. */
  antiEntropyMs?: number
}

const ANTI_ENTROPY_MS = 30_000
const MAX_INBOUND_SYNC_STREAMS = 32

interface SyncRecord {
  completedAt: number
}

export class CausettePeer extends TypedEventEmitter<CausettePeerEvents> {
  readonly libp2p: CausetteLibp2p
  readonly key: DeviceKey
  private readonly init: CausettePeerInit
  private readonly byId = new Map<string, GroupLog>()
  private readonly byTopic = new Map<string, GroupLog>()
  private readonly byTag = new Map<string, GroupLog>()
  private readonly members = new Map<string, Set<string>>()
  private readonly syncs = new Map<string, SyncRecord>()
  private readonly scheduler: SyncScheduler
  private readonly shutdown = new AbortController()
  private antiEntropy?: ReturnType<typeof setInterval>
  private started = false

  private constructor(init: CausettePeerInit, libp2p: CausetteLibp2p) {
    super()
    this.init = init
    this.key = init.key
    this.libp2p = libp2p
    this.scheduler = syncScheduler((groupId, peer) => this.sync(groupId, peer).then(() => undefined))
  }

  /** Builds the peer and opens every group the store holds; call start() to go online. */
  static async create(init: CausettePeerInit): Promise<CausettePeer> {
    const peer = new CausettePeer(init, await createCausetteLibp2p(init.key, init))
    for (const record of await init.store.listGroups()) {
      peer.adopt(await GroupLog.open(peer.logInit(record.id, record.secret)))
    }
    return peer
  }

  get peerId(): string {
    return this.libp2p.peerId.toString()
  }

  /** Addresses others can dial, with this peer's id. */
  multiaddrs(): string[] {
    return this.libp2p.getMultiaddrs().map((a) => a.toString())
  }

  async start(): Promise<void> {
    if (this.started) return
    this.started = true
    await this.libp2p.start()
    await this.libp2p.handle(SYNC_PROTOCOL, (stream, connection) => this.answerSync(stream, connection.remotePeer), {
      maxInboundStreams: MAX_INBOUND_SYNC_STREAMS
    })
    const pubsub = this.libp2p.services.pubsub
    pubsub.addEventListener('subscription-change', (evt) => {
      const peer = evt.detail.peerId.toString()
      for (const sub of evt.detail.subscriptions) {
        const group = this.byTopic.get(sub.topic)
        if (group === undefined) continue
        if (sub.subscribe) this.memberJoined(group, peer)
        else this.memberLeft(group, peer)
      }
    })
    this.libp2p.addEventListener('peer:disconnect', (evt) => {
      const peer = evt.detail.toString()
      for (const group of this.byId.values()) this.memberLeft(group, peer)
    })
    if (this.init.dialDiscovered !== false) {
      this.libp2p.addEventListener('peer:discovery', (evt) => {
        if (this.libp2p.getConnections(evt.detail.id).length > 0) return
        this.libp2p.dial(evt.detail.id, { signal: this.shutdown.signal }).catch(() => undefined)
      })
    }
    for (const group of this.byId.values()) this.subscribe(group)
    const every = this.init.antiEntropyMs ?? ANTI_ENTROPY_MS
    if (every > 0) {
      this.antiEntropy = setInterval(() => this.reconcileOne(every), every)
      ;(this.antiEntropy as { unref?: () => void }).unref?.()
    }
  }

  async stop(): Promise<void> {
    if (!this.started) return
    this.started = false
    if (this.antiEntropy !== undefined) clearInterval(this.antiEntropy)
    this.shutdown.abort(new Error('the peer is stopping'))
    await this.scheduler.stop()
    await this.libp2p.stop()
  }

  groups(): GroupLog[] {
    return [...this.byId.values()]
  }

  group(groupId: string): GroupLog {
    const group = this.byId.get(groupId)
    if (group === undefined)
      throw new UnknownGroupError(`this device is not in group ${groupId.slice(0, 8)}; see your groups, or join with an invite`)
    return group
  }

  hasGroup(groupId: string): boolean {
    return this.byId.has(groupId)
  }

  async createGroup(name: string): Promise<GroupLog> {
    const log = await GroupLog.create({ name, key: this.key, store: this.init.store, ...this.logOptions() })
    this.adopt(log)
    if (this.started) this.subscribe(log)
    return log
  }

  /** Joins a group from its id and secret (what an invite carries); its entries arrive by sync. */
  async joinGroup(groupId: Uint8Array, secret: Uint8Array, name = ''): Promise<GroupLog> {
    const existing = this.byId.get(toHex(groupId))
    if (existing !== undefined) return existing
    await this.init.store.putGroup({ id: groupId, secret, name, addedAt: (this.init.now ?? Date.now)() })
    const log = await GroupLog.open(this.logInit(groupId, secret))
    this.adopt(log)
    if (this.started) this.subscribe(log)
    return log
  }

  /** An invite to a group carrying this peer's addresses (see invite/invite.ts). */
  async createInvite(groupId: string, options: { expires?: number; singleUse?: boolean } = {}): Promise<Invite> {
    const group = this.group(groupId)
    return {
      groupId: group.id,
      secret: group.secret,
      inviter: this.key.publicKey,
      addresses: this.multiaddrs().slice(0, 8),
      groupName: group.view.metadata().name,
      inviteId: newInviteId(),
      singleUse: options.singleUse ?? false,
      ...(options.expires === undefined ? {} : { expires: options.expires })
    }
  }

  /**
   * Joins the group of an invite and dials the addresses it carries (best
   * effort: any member met later syncs the group too). Throws
   * ExpiredInviteError for an expired invite.
   */
  async acceptInvite(invite: Invite): Promise<GroupLog> {
    const now = (this.init.now ?? Date.now)()
    if (invite.expires !== undefined && invite.expires <= now) {
      throw new ExpiredInviteError(`this invite expired on ${new Date(invite.expires).toISOString()}: ask a member of the group for a new one`)
    }
    const log = await this.joinGroup(invite.groupId, invite.secret, invite.groupName)
    if (this.started) {
      await Promise.allSettled(invite.addresses.map((a) => this.dial(a)))
    }
    return log
  }

  /** Writes an operation to a group: durable when this resolves, then published. */
  async send(groupId: string, op: Operation): Promise<LogEntry> {
    const group = this.group(groupId)
    const entry = await group.append(op)
    if (this.started) {
      this.libp2p.services.pubsub.publish(group.topic, entry.bytes).catch(() => {
        // stored and durable: sync delivers it to peers that missed the publish
      })
    }
    return entry
  }

  async dial(address: string): Promise<void> {
    await this.libp2p.dial(multiaddr(address), { signal: this.shutdown.signal })
  }

  /** Reconciles one group with one peer now. */
  async sync(groupId: string, peer: string, options: { signal?: AbortSignal } = {}): Promise<SyncFinishedEvent> {
    const group = this.group(groupId)
    const signal = options.signal === undefined ? this.shutdown.signal : AbortSignal.any([options.signal, this.shutdown.signal])
    const startedAt = performance.now()
    this.safeDispatchEvent('sync:started', { detail: { groupId, peer } })
    try {
      const stream = await this.libp2p.dialProtocol(peerIdFromString(peer), SYNC_PROTOCOL, { signal })
      const session = new SyncSession({
        role: 'initiator',
        localPeer: this.peerId,
        remotePeer: peer,
        log: group,
        onProgress: (p) => this.safeDispatchEvent('sync:progress', { detail: { groupId, peer, ...p } })
      })
      const traffic = await runSyncSession(stream, session, { signal, ...this.idleOption() })
      return this.syncFinished(groupId, peer, session, traffic, startedAt)
    } catch (err) {
      this.safeDispatchEvent('sync:failed', { detail: { groupId, peer, error: err as Error } })
      throw err
    }
  }

  status(groupId: string): GroupStatus {
    const group = this.group(groupId)
    const connected = [...(this.members.get(groupId) ?? [])]
    let lastSync: number | undefined
    let upToDateWith = 0
    for (const peer of connected) {
      const record = this.syncs.get(`${groupId}/${peer}`)
      if (record !== undefined) upToDateWith++
    }
    for (const [key, record] of this.syncs) {
      if (key.startsWith(`${groupId}/`) && (lastSync === undefined || record.completedAt > lastSync)) lastSync = record.completedAt
    }
    return {
      groupId,
      connectedMembers: connected,
      entries: group.size,
      pending: group.pendingCount,
      ...(lastSync === undefined ? {} : { lastSync }),
      upToDateWith,
      syncing: this.scheduler.running(groupId)
    }
  }

  private async answerSync(stream: Parameters<typeof runSyncSession>[0], remote: PeerId): Promise<void> {
    const peer = remote.toString()
    const startedAt = performance.now()
    const session = new SyncSession({
      role: 'responder',
      localPeer: this.peerId,
      remotePeer: peer,
      findGroup: (tag) => this.byTag.get(toHex(tag)),
      onProgress: (p) => {
        const groupId = session.group?.idHex
        if (groupId !== undefined) this.safeDispatchEvent('sync:progress', { detail: { groupId, peer, ...p } })
      }
    })
    try {
      const traffic = await runSyncSession(stream, session, { signal: this.shutdown.signal, ...this.idleOption() })
      if (session.group !== undefined) this.syncFinished(session.group.idHex, peer, session, traffic, startedAt)
    } catch (err) {
      if (session.group !== undefined) this.safeDispatchEvent('sync:failed', { detail: { groupId: session.group.idHex, peer, error: err as Error } })
    }
  }

  private syncFinished(
    groupId: string,
    peer: string,
    session: SyncSession,
    traffic: { bytesIn: number; bytesOut: number },
    startedAt: number
  ): SyncFinishedEvent {
    this.syncs.set(`${groupId}/${peer}`, { completedAt: (this.init.now ?? Date.now)() })
    const detail: SyncFinishedEvent = {
      groupId,
      peer,
      added: session.added,
      sent: session.progress.sent,
      rounds: session.rounds,
      bytesIn: traffic.bytesIn,
      bytesOut: traffic.bytesOut,
      durationMs: performance.now() - startedAt
    }
    this.safeDispatchEvent('sync:finished', { detail })
    // entries that came by sync were not gossiped: pass them on to the other members
    // (syncs that add nothing end this cascade); entries still waiting for parents need
    // another member too
    if (session.added > 0 || (this.byId.get(groupId)?.pendingCount ?? 0) > 0) {
      for (const other of this.members.get(groupId) ?? []) if (other !== peer) this.scheduler.request(groupId, other)
    }
    return detail
  }

  private async validateGossip(peerId: PeerId, msg: Message): Promise<TopicValidatorResult> {
    const group = this.byTopic.get(msg.topic)
    if (group === undefined) return TopicValidatorResult.Ignore
    const peer = peerId.toString()
    const result = await group.add([msg.data], { source: 'gossip' })
    if (result.rejected.length > 0) {
      for (const r of result.rejected) this.safeDispatchEvent('rejected', { detail: { groupId: group.idHex, peer, error: r.error } })
      return TopicValidatorResult.Reject
    }
    if (result.duplicates > 0) return TopicValidatorResult.Ignore
    // an entry whose parents we lack: we missed something the sender has
    if (result.pending > 0) this.scheduler.request(group.idHex, peer)
    return TopicValidatorResult.Accept
  }

  private adopt(log: GroupLog): void {
    this.byId.set(log.idHex, log)
    this.byTopic.set(log.topic, log)
    this.byTag.set(toHex(syncTag(log.syncKey)), log)
    log.addEventListener('entries', (evt) => {
      this.safeDispatchEvent('entries', { detail: { groupId: log.idHex, ...evt.detail } })
    })
    log.addEventListener('equivocation', (evt) => {
      this.safeDispatchEvent('equivocation', { detail: { groupId: log.idHex, equivocation: evt.detail } })
    })
  }

  private subscribe(log: GroupLog): void {
    const pubsub = this.libp2p.services.pubsub
    pubsub.topicValidators.set(log.topic, (peerId, msg) => this.validateGossip(peerId, msg))
    pubsub.subscribe(log.topic)
    // peers already subscribed before we joined
    for (const peerId of pubsub.getSubscribers(log.topic)) this.memberJoined(log, peerId.toString())
  }

  private memberJoined(group: GroupLog, peer: string): void {
    let set = this.members.get(group.idHex)
    if (set === undefined) {
      set = new Set()
      this.members.set(group.idHex, set)
    }
    if (set.has(peer)) return
    set.add(peer)
    this.safeDispatchEvent('group:peer-joined', { detail: { groupId: group.idHex, peer } })
    // both sides see the subscription; the lower peer id starts the sync so it runs once
    if (this.peerId < peer) this.scheduler.request(group.idHex, peer)
  }

  private memberLeft(group: GroupLog, peer: string): void {
    if (this.members.get(group.idHex)?.delete(peer) === true) {
      this.syncs.delete(`${group.idHex}/${peer}`)
      this.safeDispatchEvent('group:peer-left', { detail: { groupId: group.idHex, peer } })
    }
  }

  /** The safety net: each group reconciles with one member not synced recently. */
  private reconcileOne(every: number): void {
    const now = (this.init.now ?? Date.now)()
    for (const [groupId, members] of this.members) {
      const stale = [...members].filter((p) => now - (this.syncs.get(`${groupId}/${p}`)?.completedAt ?? 0) >= every)
      const pick = stale[Math.floor(Math.random() * stale.length)]
      if (pick !== undefined) this.scheduler.request(groupId, pick)
    }
  }

  private logInit(groupId: Uint8Array, secret: Uint8Array) {
    return { groupId, secret, key: this.key, store: this.init.store, ...this.logOptions() }
  }

  private logOptions() {
    return {
      ...(this.init.signatures === undefined ? {} : { signatures: this.init.signatures }),
      ...(this.init.now === undefined ? {} : { now: this.init.now })
    }
  }

  private idleOption() {
    return this.init.syncIdleTimeoutMs === undefined ? {} : { idleTimeoutMs: this.init.syncIdleTimeoutMs }
  }
}
