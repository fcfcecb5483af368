/**
 * MemberLinks: keeps this device connected to the members of its groups —
 * after a partition heals, after either side restarts, and when a member's
 * address changes. It watches libp2p's connections, the peer store (new
 * addresses from identify or a dial) and discovery (every mDNS answer, not
 * only a peer's first), and redials lost members with the backoff of
 * reachability.ts. Discovered peers that are in none of this device's groups
 * (yet: an inviter met by mDNS before the history arrives) are dialled on
 * their first discovery and then rarely.
 *
 * A group of up to `linksPerGroup` other members is kept as a full mesh; in
 * a larger one this device dials members only until that many are
 * connected (gossipsub's mesh needs no more), each device picking its own
 * spread of them. Inbound connections are always welcome.
 *
 * ```ts
 * services: { groups: groups({ store }), memberLinks: memberLinks({ linksPerGroup: 12 }) }
 * node.services.memberLinks.links(groupId) // each other member: connected, since, next dial
 * ```
 */
import {
  type Libp2pEvents,
  type PeerDiscoveryEvents,
  type PeerId,
  type PeerInfo,
  type Startable,
  serviceDependencies,
  type TypedEventTarget
} from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Multiaddr } from '@multiformats/multiaddr'
import { toHex } from '../codec/hex.ts'
import type { Groups } from './groups.ts'
import { MemberPeers } from './member-peers.ts'
import { type PeerReachability, Reachability } from './reachability.ts'

/** gossipsub's D_hi: a mesh never holds more than 12 peers of a topic. */
export const LINKS_PER_GROUP = 12
const TICK_MS = 1_000
const CONCURRENT_DIALS = 4
const STRANGER_DIAL_GAP_MS = 5 * 60_000
const MAX_STRANGERS = 1_024

/** Priority of these dials in libp2p's queue: that of a dial the application asks for (libp2p.dial). */
const DIAL_PRIORITY = 75

export interface MemberLinksInit {
  /** Keep connections to the members, redialling lost ones (default true); false leaves it to the runtime. */
  keep?: boolean
  linksPerGroup?: number
  tickMs?: number
  now?: () => number
  /**
   * Every report of the node's discovery services, each time they make one
   * (create-libp2p.ts relays them); without it only libp2p's `peer:discovery`
   * is heard, which fires for a peer new to the peer store.
   */
  discoveries?: TypedEventTarget<PeerDiscoveryEvents>
}

export interface MemberLinksComponents {
  peerId: PeerId
  events: TypedEventTarget<Libp2pEvents>
  connectionManager: Pick<ConnectionManager, 'openConnection' | 'getConnections'>
  /** Whose members to link to, less the blocked ones. */
  groups: Groups
}

export interface MemberLink extends PeerReachability {
  /** Not dialled by this device: a large group is linked through others (see LINKS_PER_GROUP). */
  notDialled?: boolean
}

export class MemberLinks implements Startable {
  readonly [Symbol.toStringTag] = '@causette/member-links'
  readonly [serviceDependencies] = ['@causette/groups']
  private readonly components: MemberLinksComponents
  private readonly init: MemberLinksInit
  private readonly linksPerGroup: number
  private readonly tickMs: number
  private readonly now: () => number
  private readonly reach = new Reachability()
  private readonly strangers = new Map<string, number>()
  private members?: MemberPeers
  private controller = new AbortController()
  private timer?: ReturnType<typeof setInterval>
  private inFlight = 0

  constructor(components: MemberLinksComponents, init: MemberLinksInit = {}) {
    this.components = components
    this.init = init
    this.linksPerGroup = init.linksPerGroup ?? LINKS_PER_GROUP
    this.tickMs = init.tickMs ?? TICK_MS
    this.now = init.now ?? Date.now
  }

  start(): void {
    if (this.controller.signal.aborted) this.controller = new AbortController()
    const { signal } = this.controller
    if (this.init.discoveries !== undefined) this.init.discoveries.addEventListener('peer', (evt) => this.discovered(evt.detail), { signal })
    else this.components.events.addEventListener('peer:discovery', (evt) => this.discovered(evt.detail), { signal })
    if (this.init.keep !== false) this.keepLinks(signal)
  }

  /** Stops dialling before libp2p closes its connections. */
  beforeStop(): void {
    if (this.timer !== undefined) clearInterval(this.timer)
    this.controller.abort(new Error('the peer is stopping'))
  }

  stop(): void {}

  /** Follows connections and addresses, and redials lost members every tick. */
  private keepLinks(signal: AbortSignal): void {
    const { events } = this.components
    events.addEventListener('peer:connect', (evt) => this.reach.connected(evt.detail.toString(), this.now()), { signal })
    events.addEventListener('peer:disconnect', (evt) => this.reach.disconnected(evt.detail.toString(), this.now()), { signal })
    events.addEventListener(
      'peer:update',
      (evt) => {
        const before = new Set((evt.detail.previous?.addresses ?? []).map((a) => a.multiaddr.toString()))
        if (evt.detail.peer.addresses.some((a) => !before.has(a.multiaddr.toString()))) this.reach.renewed(evt.detail.peer.id.toString(), this.now())
      },
      { signal }
    )
    this.timer = setInterval(() => this.tick(), this.tickMs)
    ;(this.timer as { unref?: () => void }).unref?.()
  }

  /** A discovery service (mDNS) heard a peer announce itself, with the addresses it has now. */
  discovered(info: PeerInfo): void {
    const peer = info.id.toString()
    if (this.controller.signal.aborted || this.connected(peer) || this.refused(info.id)) return
    const now = this.now()
    if (this.reach.get(peer) !== undefined) {
      if (this.reach.dialOnDiscovery(peer, now)) void this.dial(peer, info.multiaddrs)
      return
    }
    const last = this.strangers.get(peer)
    if (last !== undefined && now - last < STRANGER_DIAL_GAP_MS) return
    if (this.strangers.size >= MAX_STRANGERS) this.strangers.delete(this.strangers.keys().next().value as string)
    this.strangers.set(peer, now)
    this.components.connectionManager
      .openConnection(dialTarget(info.id, info.multiaddrs), { signal: this.controller.signal, priority: DIAL_PRIORITY })
      .catch(() => undefined)
  }

  /** Each other current member of a group: connected or not, since when, and the redial plan. */
  links(groupId: string): MemberLink[] {
    const peers = this.memberPeers().get(groupId) ?? []
    const now = this.now()
    return peers.map((peer) => {
      const known = this.reach.get(peer)
      if (known !== undefined) return known
      const connected = this.connected(peer)
      return { peer, connected, since: now, failedDials: 0, givenUp: false, ...(connected ? {} : { notDialled: true }) }
    })
  }

  /** Recomputes whom to keep a link to, then dials those due, a few at a time. */
  private tick(): void {
    const now = this.now()
    const wanted = new Set<string>()
    for (const [groupId, peers] of this.memberPeers()) {
      for (const peer of this.pick(groupId, peers)) wanted.add(peer)
    }
    this.reach.keepOnly(wanted)
    for (const peer of wanted) this.reach.want(peer, now, this.connected(peer))
    const free = CONCURRENT_DIALS - this.inFlight
    if (free > 0) for (const peer of this.reach.due(now, free)) void this.dial(peer)
  }

  /** The members of one group this device keeps links to: all of a small group; enough of a large one. */
  private pick(groupId: string, peers: readonly string[]): string[] {
    const allowed = peers.filter((p) => !this.refused(peerIdFromString(p)))
    if (allowed.length <= this.linksPerGroup) return allowed
    const linked = allowed.filter((p) => this.connected(p) || this.reach.dialing(p))
    if (linked.length >= this.linksPerGroup) return linked
    const self = this.components.peerId.toString()
    const others = allowed.filter((p) => !linked.includes(p) && this.reach.get(p)?.givenUp !== true)
    // each device ranks the others its own way, so a large group's links spread instead of all landing on the same few
    others.sort((a, b) => spread(self, groupId, a) - spread(self, groupId, b))
    return [...linked, ...others.slice(0, this.linksPerGroup - linked.length)]
  }

  private async dial(peer: string, addresses: Multiaddr[] = []): Promise<void> {
    this.inFlight++
    let ok = false
    try {
      await this.components.connectionManager.openConnection(dialTarget(peerIdFromString(peer), addresses), {
        signal: this.controller.signal,
        priority: DIAL_PRIORITY
      })
      ok = true
    } catch {
      // unreachable for now: reachability decides when to try again
    } finally {
      this.inFlight--
      this.reach.dialEnded(peer, this.now(), ok)
    }
  }

  private connected(peer: string): boolean {
    return this.components.connectionManager.getConnections(peerIdFromString(peer)).length > 0
  }

  /** Peer ids of the other current members of each open group, by group id. */
  private memberPeers(): ReadonlyMap<string, readonly string[]> {
    const { groups } = this.components
    this.members ??= new MemberPeers(toHex(groups.key.publicKey))
    return this.members.of(groups.all())
  }

  /** Blocked members' devices, never dialled. */
  private refused(peer: PeerId): boolean {
    return this.components.groups.blocks.blocks(peer)
  }
}

/** The member links service factory, for libp2p's `services` (beside a groups service). */
export function memberLinks(init: MemberLinksInit = {}): (components: MemberLinksComponents) => MemberLinks {
  return (components) => new MemberLinks(components, init)
}

/** The fresh addresses a discovery gave (a stale one in the peer store would be tried first otherwise), else the peer. */
function dialTarget(peer: PeerId, addresses: Multiaddr[]): PeerId | Multiaddr[] {
  const withId = addresses.map((a) => (a.getComponents().some((c) => c.name === 'p2p') ? a : a.encapsulate(`/p2p/${peer.toString()}`)))
  return withId.length > 0 ? withId : peer
}

/** A stable pseudo-random rank of `peer` for this device in this group (FNV-1a). */
function spread(self: string, groupId: string, peer: string): number {
  let hash = 0x811c9dc5
  for (const ch of `${self}/${groupId}/${peer}`) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0
  return hash
}
