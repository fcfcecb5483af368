/**
 * CausettePeer: a full Causette peer — the libp2p node, the groups this
 * device is in, live delivery over gossipsub and catch-up over the sync
 * protocol — as one object for the daemon, the web app and tests. The work
 * is done by core's libp2p services (core-services.ts), which libp2p starts
 * and stops with the node; the peer passes their events on and adds what
 * needs more than one of them (invites, status, blocking). The same code
 * runs in browsers and in the Node daemon; each passes its own transports,
 * discovery and store.
 *
 * ```ts
 * const peer = await CausettePeer.create({ key, store, transports: [tcp()], listen: ['/ip4/127.0.0.1/tcp/0'] })
 * await peer.start()
 * const group = await peer.createGroup('Climbing')
 * await peer.send(group.idHex, { type: 'message', text: 'Sunday at 10?' })
 * ```
 */
import { multiaddr } from '@multiformats/multiaddr'
import { TypedEventEmitter } from 'main-event'
import type { GroupBlobs } from '../blob/group-blobs.ts'
import { expiryOf } from '../chat/disappearing.ts'
import type { FileRef, MessageOperation, Operation } from '../chat/operations.ts'
import type { DeviceLinking } from '../devices/device-linking.ts'
import type { Role } from '../group/membership-operations.ts'
import type { DeviceKey } from '../identity/device-key.ts'
import type { Invite } from '../invite/invite.ts'
import type { GroupLog, LogEntry } from '../log/group-log.ts'
import type { LoadOptions } from '../log/store-loading.ts'
import type { Mailboxes } from '../mailbox/mailboxes.ts'
import type { GroupSignals } from '../signals/group-signals.ts'
import type { CausetteServices, CoreServicesInit } from './core-services.ts'
import { type CausetteLibp2p, createCausetteLibp2p, type Libp2pParts } from './create-libp2p.ts'
import type { Groups } from './groups.ts'
import { inviteFor, type JoinOptions, joinByInvite } from './invite-flow.ts'
import type { CausettePeerEvents, GroupStatus, SyncFinishedEvent } from './peer-events.ts'

export interface CausettePeerInit extends Libp2pParts, Omit<CoreServicesInit, 'blocks' | 'guard' | 'discoveries'> {
  key: DeviceKey
  /** Open every group of the store in create() (default). False: the runtime opens them with openGroup(), e.g. to report progress. */
  openGroups?: boolean
}

/** The events the peer passes on from each of its services. */
const FORWARDED = {
  groups: ['entries', 'equivocation', 'erased'],
  groupSync: ['sync:started', 'sync:progress', 'sync:finished', 'sync:failed'],
  groupGossip: ['group:peer-joined', 'group:peer-left', 'rejected'],
  groupSignals: ['signal:typing', 'signal:presence']
} as const satisfies Partial<Record<keyof CausetteServices, ReadonlyArray<keyof CausettePeerEvents>>>

export class CausettePeer extends TypedEventEmitter<CausettePeerEvents> {
  readonly libp2p: CausetteLibp2p
  readonly key: DeviceKey
  private readonly groupsService: Groups

  /** A peer over a libp2p node that runs core's services (core-services.ts); createCausetteLibp2p makes one. */
  constructor(libp2p: CausetteLibp2p) {
    super()
    this.libp2p = libp2p
    this.groupsService = libp2p.services.groups
    this.key = this.groupsService.key
    for (const [service, types] of Object.entries(FORWARDED) as Array<[keyof typeof FORWARDED, ReadonlyArray<keyof CausettePeerEvents>]>) {
      const target = libp2p.services[service] as unknown as EventTarget
      for (const type of types) target.addEventListener(type, (evt) => this.safeDispatchEvent(type, { detail: (evt as CustomEvent).detail }))
    }
  }

  /** Builds the peer's libp2p node with core's services and opens every group the store holds; call start() to go online. */
  static async create(init: CausettePeerInit): Promise<CausettePeer> {
    const peer = new CausettePeer(await createCausetteLibp2p(init))
    const mailboxes = peer.mailboxes
    if (mailboxes !== undefined) {
      peer.files.useRelays((log) => mailboxes.relayTags(log))
      // a relay that just took a sync of the group is reachable, and knows this device as a member: what it has not
      // yet confirmed of this device's files is handed to it now
      mailboxes.addEventListener('mailbox:synced', (evt) => peer.files.retryHandovers(evt.detail.groupId, evt.detail.relay))
    }
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

  /** Goes online: libp2p starts core's services with its own. */
  async start(): Promise<void> {
    await this.libp2p.start()
  }

  async stop(): Promise<void> {
    await this.libp2p.stop()
  }

  groups(): GroupLog[] {
    return this.groupsService.all()
  }

  /** Typing and presence on the groups' signal channels: setTyping, setAway, setSharing, typing(), presence() (signals/group-signals.ts). */
  get signals(): GroupSignals {
    return this.libp2p.services.groupSignals
  }

  /** Files as blobs: write, read (fetching what is missing), holds, forget (blob/group-blobs.ts). */
  get files(): GroupBlobs {
    return this.libp2p.services.groupBlobs
  }

  /** Linking this person's new devices and revoking them (devices/device-linking.ts). */
  get devices(): DeviceLinking {
    return this.libp2p.services.deviceLinking
  }

  /** The relays' mailboxes this peer keeps its groups in, when it has relays (mailbox/mailboxes.ts). */
  get mailboxes(): Mailboxes | undefined {
    return this.libp2p.services.mailboxes
  }

  group(groupId: string): GroupLog {
    return this.groupsService.get(groupId)
  }

  hasGroup(groupId: string): boolean {
    return this.groupsService.find(groupId) !== undefined
  }

  /**
   * Opens a group the store holds and takes it online: the one way a group is
   * opened. `onProgress` reports entries loaded of the total; `signal` stops
   * the loading (between two pages).
   */
  openGroup(groupId: Uint8Array, options: LoadOptions = {}): Promise<GroupLog> {
    return this.groupsService.open(groupId, options)
  }

  /** Creates a group; the person's other devices follow this one into it (devices/person-group.ts). */
  async createGroup(name: string): Promise<GroupLog> {
    const log = await this.groupsService.create(name)
    await this.devices.announce(log)
    return log
  }

  /** Joins a group from its id and secret (what an invite carries); its entries arrive by sync. */
  joinGroup(groupId: Uint8Array, secret: Uint8Array, name = ''): Promise<GroupLog> {
    return this.groupsService.join(groupId, secret, name)
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
  async acceptInvite(invite: Invite, options: JoinOptions = {}): Promise<GroupLog> {
    const log = await joinByInvite(invite, options, {
      now: this.groupsService.now,
      open: () => this.joinGroup(invite.groupId, invite.secret, invite.groupName),
      ...(this.libp2p.status === 'started' ? { dial: (addresses: string[]) => this.dialAny(addresses) } : {})
    })
    // the person's other devices follow this one into it (devices/person-group.ts)
    await this.devices.announce(log)
    return log
  }

  /**
   * Takes a group offline on this device: no more gossip or sync for it.
   * With `forget`, its record and entries are deleted from the store too.
   */
  closeGroup(groupId: string, options: { forget?: boolean } = {}): Promise<void> {
    return this.groupsService.close(groupId, options)
  }

  /** Removes a member (admins only); the group moves to a key the removed member never gets. */
  removeMember(groupId: string, memberHex: string): Promise<LogEntry> {
    return this.group(groupId).remove(memberHex)
  }

  setRole(groupId: string, memberHex: string, role: Role): Promise<LogEntry> {
    return this.group(groupId).setRole(memberHex, role)
  }

  leaveGroup(groupId: string): Promise<LogEntry> {
    return this.group(groupId).leave()
  }

  /** Sets how this device is called in a group. */
  setDisplayName(groupId: string, displayName: string): Promise<LogEntry> {
    return this.group(groupId).append({ type: 'profile', displayName })
  }

  /** Hides these members' messages on this device and refuses their connections. */
  async setBlocked(deviceKeys: Iterable<string>): Promise<void> {
    const { blocks } = this.groupsService
    this.groupsService.setBlocked(deviceKeys)
    for (const connection of this.libp2p.getConnections()) {
      if (blocks.blocks(connection.remotePeer)) await connection.close().catch(() => undefined)
    }
  }

  blocked(): string[] {
    return this.groupsService.blocks.list()
  }

  /**
   * Writes an operation to a group: durable when this resolves, then published (the gossip service publishes what a log writes).
   * A message disappears on the group's timer, or sooner with `disappearAfter` (ms); a change to a disappearing message with it (chat/disappearing.ts).
   */
  async send(groupId: string, op: Operation, options: { disappearAfter?: number } = {}): Promise<LogEntry> {
    const log = this.group(groupId)
    const expires = await expiryOf(log.view, op, this.groupsService.now(), options.disappearAfter)
    return log.append(op, expires === undefined ? {} : { expires })
  }

  /**
   * Sends a file: its bytes stored as blobs (durable), then a message that
   * carries it, with `text` as its caption. Members fetch the file from
   * this device, or from any member or relay that has it.
   */
  async sendFile(
    groupId: string,
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    file: Omit<FileRef, 'root' | 'key' | 'size'>,
    options: { text?: string; replyTo?: Uint8Array; disappearAfter?: number; onProgress?: (bytes: number) => void } = {}
  ): Promise<LogEntry> {
    const written = await this.files.write(groupId, source, options.onProgress)
    const op: MessageOperation = { type: 'message', text: options.text ?? '', files: [{ ...file, ...written }] }
    if (options.replyTo !== undefined) op.replyTo = options.replyTo
    const entry = await this.send(groupId, op, options.disappearAfter === undefined ? {} : { disappearAfter: options.disappearAfter })
    // the relays that keep the group keep the file too, for members never online with this device: remembered until
    // each relay confirms, so a relay down now gets it once it is back (a ledger that cannot be written loses only that)
    await this.files.handOverSent(groupId, entry.idHex).catch(() => undefined)
    return entry
  }

  /** Starts a new group key for the current members, with the keys this device holds in its history (any member may). */
  rekey(groupId: string): Promise<LogEntry> {
    return this.group(groupId).rekey()
  }

  async dial(address: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.libp2p.dial(multiaddr(address), options)
  }

  /** Dials one peer at any of its addresses (all with its /p2p/ id): libp2p tries those this runtime can. */
  async dialAny(addresses: string[], options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.libp2p.dial(
      addresses.map((a) => multiaddr(a)),
      options
    )
  }

  /** Reconciles one group with one peer now. */
  sync(groupId: string, peer: string, options: { signal?: AbortSignal } = {}): Promise<SyncFinishedEvent> {
    return this.libp2p.services.groupSync.sync(this.group(groupId), peer, options.signal)
  }

  status(groupId: string): GroupStatus {
    const group = this.group(groupId)
    const { groupSync, memberLinks } = this.libp2p.services
    const lastSync = groupSync.presence.lastSync(groupId)
    return {
      groupId,
      connectedMembers: groupSync.presence.connected(groupId),
      entries: group.size,
      pending: group.pendingCount,
      ...(lastSync === undefined ? {} : { lastSync }),
      upToDateWith: groupSync.presence.upToDateWith(groupId),
      syncing: groupSync.running(groupId),
      links: memberLinks.links(groupId)
    }
  }
}
