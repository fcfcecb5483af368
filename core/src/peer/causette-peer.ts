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
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { TypedEventEmitter } from 'main-event'
import type { Operation } from '../chat/operations.ts'
import { fromHex, toHex } from '../codec/hex.ts'
import type { XChaChaAead } from '../crypto/body-cipher.ts'
import { UnknownGroupError } from '../errors.ts'
import { BurstFollower } from '../gossip/burst-follower.ts'
import { GossipBatcher } from '../gossip/gossip-batcher.ts'
import { GossipGuard } from '../gossip/gossip-guard.ts'
import { GossipValidator } from '../gossip/gossip-validator.ts'
import { GroupTopics } from '../gossip/group-topics.ts'
import type { Role } from '../group/membership-operations.ts'
import type { DeviceKey } from '../identity/device-key.ts'
import type { Signatures } from '../identity/signatures.ts'
import type { Invite } from '../invite/invite.ts'
import { GroupLog, type LogEntry } from '../log/group-log.ts'
import type { LoadOptions } from '../log/store-loading.ts'
import type { Store } from '../store/store.ts'
import { GroupSync } from '../sync/group-sync.ts'
import { BlockList } from './block-list.ts'
import { blockingGater } from './blocking-gater.ts'
import { type CausetteLibp2p, createCausetteLibp2p, type Libp2pParts } from './create-libp2p.ts'
import { GroupPresence } from './group-presence.ts'
import { GroupRegistry } from './group-registry.ts'
import { inviteFor, type JoinOptions, joinByInvite } from './invite-flow.ts'
import { type LogParts, logParts } from './log-parts.ts'
import { MemberLinks } from './member-links.ts'
import { MemberPeers } from './member-peers.ts'
import type { CausettePeerEvents, GroupStatus, SyncFinishedEvent } from './peer-events.ts'
import { RekeyScheduler } from './rekey-scheduler.ts'

export interface CausettePeerInit extends Libp2pParts {
  key: DeviceKey
  store: Store
  signatures?: Signatures
  /** The body cipher every log this peer opens seals and opens with (GroupLogInit.aead); noble's by default. */
  aead?: XChaChaAead
  now?: () => number
  /** Keep connections to the members of this device's groups, redialling lost ones (member-links.ts). Default true. */
  keepMemberLinks?: boolean
  /** Groups with more other members than this are not a full mesh: this device dials only that many (default LINKS_PER_GROUP). */
  linksPerGroup?: number
  syncIdleTimeoutMs?: number
  /** How often each group is reconciled with one connected member, as a safety net (ms); 0 turns it off. */
  antiEntropyMs?: number
  /** Open every group of the store in create() (default). False: the runtime opens them with openGroup(), e.g. to report progress. */
  openGroups?: boolean
}

export class CausettePeer extends TypedEventEmitter<CausettePeerEvents> {
  readonly libp2p: CausetteLibp2p
  readonly key: DeviceKey
  private readonly init: CausettePeerInit
  /** What every log this peer opens shares with it (log-parts.ts). */
  private readonly logParts: LogParts
  private readonly registry = new GroupRegistry()
  private readonly presence = new GroupPresence()
  private readonly syncs: GroupSync
  private readonly shutdown = new AbortController()
  readonly links: MemberLinks
  private readonly rekeys = new RekeyScheduler()
  private readonly bursts = new BurstFollower((groupId, peer) => this.syncs.request(groupId, peer))
  private readonly gossip: GossipValidator
  private readonly topics: GroupTopics
  private readonly blocks = new BlockList()
  private started = false

  private constructor(init: CausettePeerInit, libp2p: CausetteLibp2p, guard: GossipGuard) {
    super()
    this.init = init
    this.key = init.key
    this.logParts = logParts(init)
    this.libp2p = libp2p
    this.gossip = new GossipValidator({
      guard,
      batcher: new GossipBatcher(),
      rejected: (group, peer, error) => this.safeDispatchEvent('rejected', { detail: { groupId: group.idHex, peer, error } }),
      requestSync: (group, peer) => this.started && this.syncs.request(group.idHex, peer),
      accepted: (group, peer) => this.bursts.seen(group.idHex, peer),
      connections: (peer) => this.libp2p.getConnections(peerIdFromString(peer))
    })
    this.topics = new GroupTopics({
      libp2p,
      registry: this.registry,
      presence: this.presence,
      validator: this.gossip,
      joined: (groupId, peer) => this.safeDispatchEvent('group:peer-joined', { detail: { groupId, peer } }),
      left: (groupId, peer) => this.safeDispatchEvent('group:peer-left', { detail: { groupId, peer } }),
      requestSync: (groupId, peer) => this.syncs.request(groupId, peer)
    })
    const members = new MemberPeers(toHex(init.key.publicKey))
    this.links = new MemberLinks(
      { libp2p, memberPeers: () => members.of(this.registry.all()), refused: (p) => this.blocks.blocks(p) },
      { ...(init.now === undefined ? {} : { now: init.now }), ...(init.linksPerGroup === undefined ? {} : { linksPerGroup: init.linksPerGroup }) }
    )
    this.syncs = new GroupSync({
      libp2p,
      events: this,
      presence: this.presence,
      registry: this.registry,
      signal: this.shutdown.signal,
      now: init.now ?? Date.now,
      ...(init.syncIdleTimeoutMs === undefined ? {} : { idleTimeoutMs: init.syncIdleTimeoutMs }),
      ...(init.antiEntropyMs === undefined ? {} : { antiEntropyMs: init.antiEntropyMs })
    })
  }

  /** Builds the peer and opens every group the store holds; call start() to go online. */
  static async create(init: CausettePeerInit): Promise<CausettePeer> {
    let self: CausettePeer | undefined
    const guard = new GossipGuard({ now: init.now ?? Date.now })
    const connectionGater = blockingGater(init.connectionGater ?? {}, (p) => self?.blocks.blocks(p) === true || guard.banned(p.toString()))
    const libp2p = await createCausetteLibp2p(
      init.key,
      { ...init, connectionGater },
      { scoring: { appSpecificScore: guard.score }, discovered: (info) => self?.links.discovered(info) }
    )
    const peer = new CausettePeer(init, libp2p, guard)
    self = peer
    if (init.openGroups !== false) {
      for (const record of await init.store.listGroups()) await peer.openGroup(record.id)
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
    await this.syncs.start()
    this.topics.start()
    if (this.init.keepMemberLinks !== false) this.links.start()
  }

  async stop(): Promise<void> {
    if (!this.started) return
    this.started = false
    this.topics.stop()
    this.links.stop()
    this.rekeys.stop()
    this.bursts.stop()
    this.gossip.stop()
    this.shutdown.abort(new Error('the peer is stopping'))
    await this.syncs.stop()
    await this.libp2p.stop()
  }

  groups(): GroupLog[] {
    return this.registry.all()
  }

  group(groupId: string): GroupLog {
    return this.registry.get(groupId)
  }

  hasGroup(groupId: string): boolean {
    return this.registry.find(groupId) !== undefined
  }

  /**
   * Opens a group the store holds and takes it online: the one way a group is
   * opened. `onProgress` reports entries loaded of the total; `signal` stops
   * the loading (between two pages).
   */
  async openGroup(groupId: Uint8Array, options: LoadOptions = {}): Promise<GroupLog> {
    const existing = this.registry.find(toHex(groupId))
    if (existing !== undefined) return existing
    const record = await this.init.store.getGroup(groupId)
    if (record === undefined) throw new UnknownGroupError(`the store holds no group ${toHex(groupId).slice(0, 8)}`)
    return this.adopt(await GroupLog.open({ groupId: record.id, secret: record.secret, ...this.logParts, ...options }))
  }

  async createGroup(name: string): Promise<GroupLog> {
    const log = await GroupLog.create({ name, ...this.logParts })
    return this.adopt(log)
  }

  /** Joins a group from its id and secret (what an invite carries); its entries arrive by sync. */
  async joinGroup(groupId: Uint8Array, secret: Uint8Array, name = ''): Promise<GroupLog> {
    const existing = this.registry.find(toHex(groupId))
    if (existing !== undefined) return existing
    // the record first: a restart finds the group even before its first entry arrives
    await this.init.store.putGroup({ id: groupId, secret, name, addedAt: (this.init.now ?? Date.now)() })
    const log = await GroupLog.open({ groupId, secret, ...this.logParts })
    return this.adopt(log)
  }

  /**
   * Makes an invite to a group: records it in the group log (so joins can be
   * checked by every member) and returns what the link carries, with this
   * peer's addresses.
   */
  async createInvite(groupId: string, options: { expires?: number; singleUse?: boolean } = {}): Promise<Invite> {
    const group = this.group(groupId)
    const inviteId = await group.invite(options)
    return inviteFor(group, inviteId, this.key.publicKey, this.multiaddrs(), options)
  }

  /**
   * Joins the group of an invite: dials its addresses, waits for the invite's
   * record to arrive by sync, writes the join; resolves once a member. Throws
   * ExpiredInviteError, InviteUsedError, InviteRevokedError or JoinTimeoutError.
   */
  acceptInvite(invite: Invite, options: JoinOptions = {}): Promise<GroupLog> {
    return joinByInvite(invite, options, {
      now: this.init.now ?? Date.now,
      open: () => this.joinGroup(invite.groupId, invite.secret, invite.groupName),
      ...(this.started ? { dial: (address: string) => this.dial(address) } : {})
    })
  }

  /**
   * Takes a group offline on this device: no more gossip or sync for it.
   * With `forget`, its record and entries are deleted from the store too.
   */
  async closeGroup(groupId: string, options: { forget?: boolean } = {}): Promise<void> {
    const group = this.registry.find(groupId)
    if (group === undefined) {
      if (options.forget === true) await this.init.store.deleteGroup(fromHex(groupId))
      return
    }
    this.registry.remove(group)
    this.topics.remove(group)
    if (options.forget === true) await this.init.store.deleteGroup(group.id)
  }

  /** Removes a member (admins only); the group moves to a key the removed member never gets. */
  removeMember(groupId: string, memberHex: string): Promise<LogEntry> {
    return this.write(groupId, (g) => g.remove(memberHex))
  }

  setRole(groupId: string, memberHex: string, role: Role): Promise<LogEntry> {
    return this.write(groupId, (g) => g.setRole(memberHex, role))
  }

  leaveGroup(groupId: string): Promise<LogEntry> {
    return this.write(groupId, (g) => g.leave())
  }

  /** Sets how this device is called in a group. */
  setDisplayName(groupId: string, displayName: string): Promise<LogEntry> {
    return this.write(groupId, (g) => g.append({ type: 'profile', displayName }))
  }

  /** Hides these members' messages on this device and refuses their connections. */
  async setBlocked(deviceKeys: Iterable<string>): Promise<void> {
    this.blocks.set(deviceKeys)
    for (const group of this.registry.all()) group.setBlocked(this.blocks.current)
    for (const connection of this.libp2p.getConnections()) {
      if (this.blocks.blocks(connection.remotePeer)) await connection.close().catch(() => undefined)
    }
  }

  blocked(): string[] {
    return this.blocks.list()
  }

  /** Writes an operation to a group: durable when this resolves, then published. */
  send(groupId: string, op: Operation): Promise<LogEntry> {
    return this.write(groupId, (g) => g.append(op))
  }

  /** Starts a new group key for the current members, with the keys this device holds in its history (any member may). */
  rekey(groupId: string): Promise<LogEntry> {
    return this.write(groupId, (g) => g.rekey())
  }

  /** Runs a write on a group's log; adopt()'s listener publishes every entry it makes as it is stored. */
  private write(groupId: string, action: (group: GroupLog) => Promise<LogEntry>): Promise<LogEntry> {
    return action(this.group(groupId))
  }

  async dial(address: string): Promise<void> {
    await this.libp2p.dial(multiaddr(address), { signal: this.shutdown.signal })
  }

  /** Reconciles one group with one peer now. */
  sync(groupId: string, peer: string, options: { signal?: AbortSignal } = {}): Promise<SyncFinishedEvent> {
    return this.syncs.sync(this.group(groupId), peer, options.signal)
  }

  status(groupId: string): GroupStatus {
    const group = this.group(groupId)
    const lastSync = this.presence.lastSync(groupId)
    return {
      groupId,
      connectedMembers: this.presence.connected(groupId),
      entries: group.size,
      pending: group.pendingCount,
      ...(lastSync === undefined ? {} : { lastSync }),
      upToDateWith: this.presence.upToDateWith(groupId),
      syncing: this.syncs.running(groupId),
      links: this.links.links(groupId)
    }
  }

  /** Registers a group and, when online, subscribes to it. */
  private adopt(log: GroupLog): GroupLog {
    this.registry.add(log)
    log.addEventListener('entries', (evt) => {
      const { encodings, ...detail } = evt.detail
      // what this device writes — a message, and the rekey append may make before it — goes out in order, as written
      for (const bytes of encodings ?? []) this.topics.publish(log, bytes)
      this.safeDispatchEvent('entries', { detail: { groupId: log.idHex, ...detail } })
    })
    log.addEventListener('equivocation', (evt) =>
      this.safeDispatchEvent('equivocation', { detail: { groupId: log.idHex, equivocation: evt.detail } })
    )
    log.addEventListener('membership', () => this.started && this.rekeys.consider(log))
    log.setBlocked(this.blocks.current)
    this.topics.add(log)
    return log
  }
}
