/**
 * DaemonOperations: everything the control API (and so the CLI) can ask a
 * running daemon, on already validated arguments. Reads of history and
 * search come from each group's stored view (message-reads.ts); writes go through the peer, and
 * resolve only once the entry is committed to the store.
 */
import { fingerprint, fromHex, type MessageOperation, readUpToNow, toHex } from '@causette/core'
import type {
  GroupRef,
  GroupStatusView,
  GroupSummary,
  HistoryResponse,
  JoinResponse,
  Membership,
  PeersResponse,
  PeerView,
  PinsResponse,
  ProfileChangeResponse,
  ProfileResponse,
  ReadResponse,
  SearchResponse,
  SendResponse,
  StatusResponse
} from '../api/api-types.ts'
import type { Names } from '../api/error-messages.ts'
import { UnknownMessageError } from '../errors.ts'
import { nodeSha512 } from '../node-hashes.ts'
import { BackupOperations } from './backup-operations.ts'
import type { DaemonParts } from './daemon.ts'
import { DeviceOperations } from './device-operations.ts'
import { FileOperations } from './file-operations.ts'
import { GroupAbout } from './group-about.ts'
import { GroupSummaries } from './group-summaries.ts'
import { InviteOperations } from './invite-operations.ts'
import { joinByInvite } from './joining.ts'
import { namesOf } from './member-lookup.ts'
import { MemberOperations } from './member-operations.ts'
import { mentionedKeys, mentionsOfMe } from './mentions.ts'
import { MessageActions } from './message-actions.ts'
import { MessageReads, messageIdBytes } from './message-reads.ts'
import { PollActions } from './poll-actions.ts'
import { PreferenceOperations } from './preference-operations.ts'
import { reachabilityCheckOf, reachabilityView } from './reachability-view.ts'
import { SignalOperations } from './signal-operations.ts'

/** Where this device will be able to write its name later. */
const WAITING: readonly Membership[] = ['member', 'not joined']

export class DaemonOperations {
  /** Members, roles, safety numbers and blocking (member-operations.ts). */
  readonly members: MemberOperations
  /** Invite links, the invites of a group, revoking them, and rekeying (invite-operations.ts). */
  readonly invites: InviteOperations
  /** History, search and export, from each group's view (message-reads.ts). */
  readonly messages: MessageReads
  /** Edits, deletions, reactions and pins (message-actions.ts). */
  readonly actions: MessageActions
  /** Polls: creating, voting, closing (poll-actions.ts). */
  readonly polls: PollActions
  /** The group's name, topic and description (group-about.ts). */
  readonly about: GroupAbout
  /** Typing and whether presence is shared (signal-operations.ts). */
  readonly signals: SignalOperations
  /** Backups and group bundles (backup-operations.ts). */
  readonly backups: BackupOperations
  /** Mutes, notification levels and read receipts: this device's own choices (preference-operations.ts). */
  readonly preferences: PreferenceOperations
  readonly files: FileOperations
  /** How each group stands, for `groups` and `status` (group-summaries.ts). */
  readonly summaries: GroupSummaries
  /** This person's devices: linking a new one, listing, revoking (device-operations.ts). */
  readonly devices: DeviceOperations
  /** How errors name the groups and people they are about (api/error-messages.ts). */
  readonly names: Names
  private readonly parts: DaemonParts
  private readonly requestStop: () => Promise<void>
  private readonly apiUrl: () => string

  constructor(parts: DaemonParts, requestStop: () => Promise<void>, apiUrl: () => string) {
    this.parts = parts
    this.members = new MemberOperations(parts)
    this.invites = new InviteOperations(parts)
    this.devices = new DeviceOperations(parts, apiUrl)
    this.messages = new MessageReads(parts)
    this.actions = new MessageActions(parts)
    this.polls = new PollActions(parts)
    this.about = new GroupAbout(parts)
    this.signals = new SignalOperations(parts)
    this.backups = new BackupOperations(parts)
    this.preferences = new PreferenceOperations(parts)
    this.files = new FileOperations(parts)
    this.summaries = new GroupSummaries(parts)
    this.names = namesOf(parts.directory, parts.authors)
    this.requestStop = requestStop
    this.apiUrl = apiUrl
  }

  async status(): Promise<StatusResponse> {
    const { peer, options, settings, directory, authors, startedAt } = this.parts
    const key = toHex(peer.key.publicKey)
    const name = settings.get('name')
    return {
      peerId: peer.peerId,
      key,
      fingerprint: authors.fingerprint(key),
      ...(name === undefined ? {} : { name }),
      home: options.home,
      addresses: peer.multiaddrs(),
      api: this.apiUrl(),
      startedAt,
      uptimeMs: Date.now() - startedAt,
      connections: peer.libp2p.getConnections().length,
      rssBytes: process.memoryUsage.rss(),
      groupsOpened: directory.list().every((g) => g.log !== undefined || g.failure !== undefined),
      reachability: reachabilityView(
        reachabilityCheckOf(peer.libp2p.services)?.findings(),
        // through a relay's loopback address only a process on the relay's machine could reach it
        peer.multiaddrs().filter((a) => a.includes('/p2p-circuit') && !a.includes('/webrtc') && !/^\/ip4\/127\.|^\/ip6\/::1\//.test(a))
      ),
      groups: await Promise.all(this.summaries.chats().map((g) => this.summaries.status(g)))
    }
  }

  groups(): Promise<GroupSummary[]> {
    return Promise.all(this.summaries.chats().map((g) => this.summaries.summary(g)))
  }

  /** The group a reference (id, its start, or name) names; UnknownGroupError or AmbiguousGroupError otherwise. */
  groupRef(ref: string): GroupRef {
    return this.parts.directory.resolve(ref).ref
  }

  group(ref: string): Promise<GroupStatusView> {
    return this.summaries.status(this.parts.directory.resolve(ref))
  }

  async createGroup(name: string): Promise<GroupSummary> {
    const { peer, store, directory, emit } = this.parts
    const log = await peer.createGroup(name)
    const known = directory.adopt(log, (await store.getGroup(log.id)) ?? { id: log.id, secret: log.secret, name, addedAt: Date.now() })
    emit({ type: 'group:created', group: known.ref })
    return this.summaries.summary(known)
  }

  /** Joins the group of an invite link (joining.ts); the link's named errors (malformed, truncated, expired, used, revoked) pass through. */
  join(link: string, timeoutMs?: number): Promise<JoinResponse> {
    return joinByInvite(this.parts, link, timeoutMs)
  }

  /** Resolves once the message is committed to the store, with its view; it is published after. */
  /** With `waitKeptMs`, resolves once every relay's mailbox holds the message too (or says why not), or when that time is up. */
  /** With `disappearAfter` (ms), the message disappears that soon, or on the group's timer if that is sooner. */
  async send(
    ref: string,
    text: string,
    options: { replyTo?: string; mentions?: string[]; waitKeptMs?: number; disappearAfter?: number } = {}
  ): Promise<SendResponse> {
    const { directory, peer } = this.parts
    const { replyTo, waitKeptMs } = options
    const known = directory.resolve(ref)
    const log = await directory.openLog(known)
    const op: MessageOperation = { type: 'message', text }
    if (replyTo !== undefined) op.replyTo = await messageIdBytes(log, replyTo)
    const mentions = mentionedKeys(this.parts, known, log, text, options.mentions ?? [])
    if (mentions.length > 0) op.mentions = mentions
    const entry = await peer.send(log.idHex, op, options.disappearAfter === undefined ? {} : { disappearAfter: options.disappearAfter })
    // a message sent ends the typing that led to it
    peer.signals.setTyping(log.idHex, false)
    const message = await log.view.message(entry.idHex)
    if (message === undefined) throw new UnknownMessageError(`message ${entry.idHex.slice(0, 12)} was written but is not in the view`)
    if (waitKeptMs === undefined || peer.mailboxes === undefined) return { group: known.ref, message }
    return { group: known.ref, message, mailboxes: await peer.mailboxes.keep(log.idHex, waitKeptMs) }
  }

  history(ref: string, options: { limit: number; before?: string }): Promise<HistoryResponse> {
    return this.messages.history(ref, options)
  }

  /** The group's pinned messages, the latest pinned first. */
  pins(ref: string): Promise<PinsResponse> {
    return this.messages.pins(ref)
  }

  /**
   * Marks the group read up to its newest message, unless nothing is unread: with a read marker others see,
   * or, when this device sends no read receipts, in its own settings only.
   */
  async markRead(ref: string): Promise<ReadResponse> {
    const { directory, peer, preferences } = this.parts
    const known = directory.resolve(ref)
    const log = await directory.openLog(known)
    const op = await readUpToNow(log, toHex(peer.key.publicKey), this.summaries.readPosition(known.idHex))
    const receipt = preferences.sendsReceipts
    if (op === undefined) return { group: known.ref, receipt }
    if (receipt) await peer.send(log.idHex, op)
    else preferences.setReadPosition(known.idHex, toHex(op.upTo))
    return { group: known.ref, upTo: toHex(op.upTo), receipt }
  }

  /** The latest messages that mention this device (mentions.ts). */
  mentions(options: { group?: string; limit: number }): Promise<SearchResponse> {
    return mentionsOfMe(this.parts, options)
  }

  search(query: string, options: { group?: string; limit: number }): Promise<SearchResponse> {
    return this.messages.search(query, options)
  }

  peers(): PeersResponse {
    const { peer, directory } = this.parts
    const byPeer = new Map<string, PeerView>()
    for (const connection of peer.libp2p.getConnections()) {
      const id = connection.remotePeer.toString()
      const address = connection.remoteAddr.toString()
      const view = byPeer.get(id) ?? { peer: id, addresses: [], transports: [], direction: connection.direction, limited: true, groups: [] }
      view.addresses.push(address)
      const transport = transportOf(address)
      if (!view.transports.includes(transport)) view.transports.push(transport)
      // one unlimited connection is enough for gossip
      view.limited &&= connection.limits !== undefined
      byPeer.set(id, view)
    }
    for (const known of directory.list()) {
      if (known.log === undefined) continue
      for (const member of peer.status(known.idHex).connectedMembers) byPeer.get(member)?.groups.push(known.idHex)
    }
    return { peers: [...byPeer.values()] }
  }

  /** The group's readable history as JSON lines, oldest first, a page at a time. */
  exportLines(ref: string): AsyncGenerator<string> {
    return this.messages.exportLines(ref)
  }

  profile(): ProfileResponse {
    const { peer, settings } = this.parts
    const key = toHex(peer.key.publicKey)
    const name = settings.get('name')
    return { ...(name === undefined ? {} : { name }), key, fingerprint: fingerprint(fromHex(key), nodeSha512), peerId: peer.peerId }
  }

  /** Keeps the name in the settings and writes it into every group where this device can write now; the others get it once it can. */
  async setName(name: string): Promise<ProfileChangeResponse> {
    const { settings, directory, displayName } = this.parts
    settings.set('name', name)
    const published: GroupRef[] = []
    const pending: GroupRef[] = []
    for (const known of directory.list()) {
      // a group still opening gets the name when it opens
      if (known.log === undefined) continue
      const outcome = await displayName.consider(known.log)
      if (outcome === 'published') published.push(known.ref)
      // removed from a group, or gone from it: the name will not go there
      else if (outcome === 'pending' && WAITING.includes(known.log.standing())) pending.push(known.ref)
    }
    return { ...this.profile(), published, pending }
  }

  stop(): void {
    void this.requestStop()
  }
}

function transportOf(address: string): string {
  // a WebRTC connection signalled through a relay names the relay in its address, but its data flows directly
  if (address.includes('/webrtc')) return 'webrtc'
  if (address.includes('/p2p-circuit')) return 'relay'
  if (/\/wss?(\/|$)/.test(address)) return 'websockets'
  if (address.includes('/tcp/')) return 'tcp'
  return 'other'
}
