/**
 * DaemonOperations: everything the control API (and so the CLI) can ask a
 * running daemon, on already validated arguments. Reads of history and
 * search come from the message index; writes go through the peer, and
 * resolve only once the entry is committed to the store.
 */
import { fingerprint, fromHex, type GroupLog, type MessageOperation, toHex } from '@causette/core'
import type {
  AuthorView,
  GroupRef,
  GroupStatusView,
  GroupSummary,
  HistoryResponse,
  JoinResponse,
  Membership,
  PeersResponse,
  PeerView,
  ProfileChangeResponse,
  ProfileResponse,
  SearchResponse,
  SendResponse,
  StatusResponse,
  SyncState
} from '../api/api-types.ts'
import type { Names } from '../api/error-messages.ts'
import { UnknownMessageError } from '../errors.ts'
import { nodeSha512 } from '../node-sha512.ts'
import type { SearchHit } from '../store/message-index.ts'
import { searchQuery } from '../store/search-query.ts'
import type { GroupAuthors } from './authors.ts'
import type { DaemonParts } from './daemon.ts'
import type { KnownGroup } from './group-directory.ts'
import { InviteOperations } from './invite-operations.ts'
import { joinByInvite } from './joining.ts'
import { linkViews } from './link-views.ts'
import { namesOf } from './member-lookup.ts'
import { MemberOperations } from './member-operations.ts'

const EXPORT_PAGE = 1000
/** Where this device will be able to write its name later. */
const WAITING: readonly Membership[] = ['member', 'not joined']

export class DaemonOperations {
  /** Members, roles, safety numbers and blocking (member-operations.ts). */
  readonly members: MemberOperations
  /** Invite links, the invites of a group, revoking them, and rekeying (invite-operations.ts). */
  readonly invites: InviteOperations
  /** How errors name the groups and people they are about (api/error-messages.ts). */
  readonly names: Names
  private readonly parts: DaemonParts
  private readonly requestStop: () => Promise<void>
  private readonly apiUrl: () => string

  constructor(parts: DaemonParts, requestStop: () => Promise<void>, apiUrl: () => string) {
    this.parts = parts
    this.members = new MemberOperations(parts)
    this.invites = new InviteOperations(parts)
    this.names = namesOf(parts.directory, parts.authors)
    this.requestStop = requestStop
    this.apiUrl = apiUrl
  }

  status(): StatusResponse {
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
      groups: directory.list().map((g) => this.groupStatus(g))
    }
  }

  groups(): GroupSummary[] {
    return this.parts.directory.list().map((g) => this.summary(g))
  }

  group(ref: string): GroupStatusView {
    return this.groupStatus(this.parts.directory.resolve(ref))
  }

  async createGroup(name: string): Promise<GroupSummary> {
    const { peer, store, directory, indexer, emit } = this.parts
    const log = await peer.createGroup(name)
    const known = directory.adopt(log, (await store.getGroup(log.id)) ?? { id: log.id, secret: log.secret, name, addedAt: Date.now() })
    await indexer.catchUp(log)
    emit({ type: 'group:created', group: known.ref })
    return this.summary(known)
  }

  /** Joins the group of an invite link (joining.ts); the link's named errors (malformed, truncated, expired, used, revoked) pass through. */
  join(link: string, timeoutMs?: number): Promise<JoinResponse> {
    return joinByInvite(this.parts, link, timeoutMs)
  }

  /** Resolves once the message is committed to the store (and indexed); it is published after. */
  async send(ref: string, text: string, replyTo?: string): Promise<SendResponse> {
    const { directory, index, indexer, peer } = this.parts
    const known = directory.resolve(ref)
    const log = await directory.openLog(known)
    const op: MessageOperation = { type: 'message', text }
    await indexer.flush()
    if (replyTo !== undefined) op.replyTo = index.resolveId(log.id, replyTo)
    const entry = await peer.send(log.idHex, op)
    // in the index before it is confirmed: a restart shows it even before the log has loaded
    await indexer.flush()
    const message = await log.view.message(entry.idHex)
    if (message === undefined) throw new UnknownMessageError(`message ${entry.idHex.slice(0, 12)} was written but is not in the view`)
    return { group: known.ref, message }
  }

  async history(ref: string, options: { limit: number; before?: string }): Promise<HistoryResponse> {
    const { directory, index, indexer, authors } = this.parts
    const known = directory.resolve(ref)
    await indexer.flush()
    const before = options.before === undefined ? undefined : index.resolveId(known.record.id, options.before)
    const page = index.page(known.record.id, { limit: options.limit, ...(before === undefined ? {} : { before }) })
    return {
      group: known.ref,
      messages: page.messages,
      hasOlder: page.hasOlder,
      authors: authors.of(known.log).viewsOf(page.messages.map((m) => m.author))
    }
  }

  async search(query: string, options: { group?: string; limit: number }): Promise<SearchResponse> {
    const { directory, index, indexer, authors } = this.parts
    const match = searchQuery(query)
    await indexer.flush()
    const known = options.group === undefined ? undefined : directory.resolve(options.group)
    const hits = index.search(match, { limit: options.limit, ...(known === undefined ? {} : { groupId: known.record.id }) })
    return {
      query,
      results: hits.map((hit) => {
        const group = directory.get(hit.groupId)
        return { group: group === undefined ? { id: hit.groupId, name: '' } : group.ref, message: hit.message }
      }),
      authors: authorsOfHits(hits, (groupId) => authors.of(directory.get(groupId)?.log))
    }
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
  async *exportLines(ref: string): AsyncGenerator<string> {
    const { directory, index, indexer, authors } = this.parts
    const known = directory.resolve(ref)
    const people = authors.of(known.log)
    let after: Uint8Array = new Uint8Array(0)
    for (;;) {
      await indexer.flush()
      const page = index.pageForward(known.record.id, after, EXPORT_PAGE)
      if (page.length === 0) return
      yield page
        .map(({ message: m }) => {
          const author = people.view(m.author)
          return `${JSON.stringify({
            id: m.id,
            time: new Date(m.time).toISOString(),
            author: m.author,
            fingerprint: author.fingerprint,
            ...(author.name === undefined ? {} : { name: author.name }),
            text: m.text,
            edited: m.edited,
            deleted: m.deleted,
            ...(m.replyTo === undefined ? {} : { replyTo: m.replyTo }),
            mentions: m.mentions,
            reactions: m.reactions
          })}\n`
        })
        .join('')
      after = (page[page.length - 1] as { key: Uint8Array }).key
      // let the event loop breathe between pages of a long export
      await new Promise((resolve) => setImmediate(resolve))
    }
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

  private summary(known: KnownGroup): GroupSummary {
    const { peer, index } = this.parts
    const log = known.log
    return {
      ...known.ref,
      state: log === undefined ? 'loading' : 'open',
      entries: log?.size ?? 0,
      messages: index.count(known.record.id),
      connectedMembers: log === undefined ? 0 : peer.status(known.idHex).connectedMembers.length,
      addedAt: known.record.addedAt
    }
  }

  private groupStatus(known: KnownGroup): GroupStatusView {
    const summary = this.summary(known)
    if (known.log === undefined) {
      return { ...summary, sync: 'loading', pending: 0, syncing: false, upToDateWith: 0, members: [], otherMembers: 0, online: 0, links: [] }
    }
    const status = this.parts.peer.status(known.idHex)
    const links = linkViews(status.links, this.parts.authors.of(known.log))
    return {
      ...summary,
      sync: syncState(known.log, status),
      pending: status.pending,
      syncing: status.syncing,
      upToDateWith: status.upToDateWith,
      ...(status.lastSync === undefined ? {} : { lastSync: status.lastSync }),
      members: status.connectedMembers,
      otherMembers: links.length,
      online: links.filter((l) => l.connected).length,
      links
    }
  }
}

/** The views of the authors of search hits, each named as in the group of its hit. */
function authorsOfHits(hits: SearchHit[], groupAuthors: (groupId: string) => GroupAuthors): Record<string, AuthorView> {
  const byGroup = new Map<string, GroupAuthors>()
  const out: Record<string, AuthorView> = {}
  for (const hit of hits) {
    let people = byGroup.get(hit.groupId)
    if (people === undefined) {
      people = groupAuthors(hit.groupId)
      byGroup.set(hit.groupId, people)
    }
    out[hit.message.author] ??= people.view(hit.message.author)
  }
  return out
}

function syncState(log: GroupLog, status: { connectedMembers: string[]; syncing: boolean; upToDateWith: number }): SyncState {
  if (log.size === 0) return status.syncing ? 'syncing' : 'waiting for history'
  if (status.syncing) return 'syncing'
  if (status.connectedMembers.length === 0) return 'no members online'
  return status.upToDateWith >= status.connectedMembers.length ? 'up to date' : 'sync pending'
}

function transportOf(address: string): string {
  if (address.includes('/p2p-circuit')) return 'relay'
  if (address.includes('/webrtc')) return 'webrtc'
  if (/\/wss?(\/|$)/.test(address)) return 'websockets'
  if (address.includes('/tcp/')) return 'tcp'
  return 'other'
}
