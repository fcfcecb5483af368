/**
 * PeerDialer: what a daemon remembers of where peers are, across restarts.
 * It keeps the addresses of members it met (and of inviters) in the store;
 * at start it hands them to libp2p's peer store, so core's member links
 * (core/src/peer/member-links.ts, which redial lost members with backoff)
 * know where to look, and dials each once. The configured bootstrap peers
 * are dialled at start and every minute while disconnected.
 */
import { type CausettePeer, toHex } from '@causette/core'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { KnownPeers } from '../store/known-peers.ts'

const REDIAL_EVERY_MS = 60_000
const REMEMBER_FOR_MS = 30 * 24 * 3600_000
const MAX_KNOWN_DIALS = 32
const CONCURRENT_DIALS = 4

export interface PeerDialerInit {
  peer: CausettePeer
  knownPeers: KnownPeers
  bootstrap: string[]
  now?: () => number
}

export class PeerDialer {
  private readonly init: PeerDialerInit
  private timer?: ReturnType<typeof setInterval>
  private stopped = false

  constructor(init: PeerDialerInit) {
    this.init = init
  }

  start(): void {
    void this.round(true)
    this.timer = setInterval(() => void this.round(false), REDIAL_EVERY_MS)
    this.timer.unref()
  }

  stop(): void {
    this.stopped = true
    if (this.timer !== undefined) clearInterval(this.timer)
  }

  /** Keeps the addresses of a peer met as a member of a group, for the next start. */
  async rememberMember(peerId: string): Promise<void> {
    const libp2p = this.init.peer.libp2p
    const connection = libp2p.getConnections().find((c) => c.remotePeer.toString() === peerId)
    if (connection === undefined) return
    let addresses: string[] = []
    try {
      const known = await libp2p.peerStore.get(connection.remotePeer)
      addresses = known.addresses.map((a) => a.multiaddr.toString())
    } catch {
      // not in the peer store (yet): the connection's own address is all there is
    }
    if (connection.direction === 'outbound') addresses.unshift(connection.remoteAddr.toString())
    if (this.stopped) return
    this.init.knownPeers.remember(peerId, unique(addresses.map((a) => withPeerId(a, peerId))), this.now())
  }

  /** Keeps the addresses an invite carried, grouped by the peer they name. */
  rememberAddresses(addresses: string[]): void {
    const byPeer = new Map<string, string[]>()
    for (const address of addresses) {
      const peerId = /\/p2p\/([^/]+)$/.exec(address)?.[1]
      if (peerId === undefined || peerId === this.init.peer.peerId) continue
      byPeer.set(peerId, [...(byPeer.get(peerId) ?? []), address])
    }
    for (const [peerId, list] of byPeer) this.init.knownPeers.remember(peerId, list, this.now())
  }

  /** Dials a member's device again (one just unblocked), at the addresses the peer store knows for it. */
  async redialMember(keyHex: string): Promise<void> {
    const libp2p = this.init.peer.libp2p
    const known = (await libp2p.peerStore.all()).find((p) => p.id.publicKey !== undefined && toHex(p.id.publicKey.raw) === keyHex)
    if (known === undefined || this.stopped || this.connected(known.id.toString())) return
    await libp2p.dial(known.id).catch(() => {
      // gone, or moved: the member's own dialer or mDNS brings it back
    })
  }

  private async round(first: boolean): Promise<void> {
    const targets: string[][] = this.init.bootstrap.filter((a) => !this.connected(peerIdOf(a))).map((a) => [a])
    if (first) {
      for (const known of this.init.knownPeers.recent(this.now() - REMEMBER_FOR_MS, MAX_KNOWN_DIALS)) {
        await this.seed(known.peer, known.addresses)
        if (!this.connected(known.peer)) targets.push(known.addresses)
      }
    }
    const queue = [...targets]
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next !== undefined && !this.stopped; next = queue.shift()) await this.dialAny(next)
    }
    await Promise.all(Array.from({ length: CONCURRENT_DIALS }, worker))
  }

  /** Tells libp2p's peer store where a remembered peer was last seen (it keeps anything fresher it learns). */
  private async seed(peer: string, addresses: string[]): Promise<void> {
    try {
      await this.init.peer.libp2p.peerStore.merge(peerIdFromString(peer), { multiaddrs: addresses.map((a) => multiaddr(a)) })
    } catch {
      // a malformed row (written by hand?) only loses that peer's addresses
    }
  }

  /** Tries the addresses of one peer in turn until one connects. */
  private async dialAny(addresses: string[]): Promise<void> {
    for (const address of addresses) {
      if (this.stopped) return
      try {
        await this.init.peer.dial(address)
        return
      } catch {
        // unreachable from here (another network, an old port): try the next
      }
    }
  }

  private connected(peerId: string | undefined): boolean {
    return peerId !== undefined && this.init.peer.libp2p.getConnections().some((c) => c.remotePeer.toString() === peerId)
  }

  private now(): number {
    return (this.init.now ?? Date.now)()
  }
}

function peerIdOf(address: string): string | undefined {
  return /\/p2p\/([^/]+)$/.exec(address)?.[1]
}

function withPeerId(address: string, peerId: string): string {
  return address.endsWith(`/p2p/${peerId}`) ? address : `${address}/p2p/${peerId}`
}

function unique(list: string[]): string[] {
  return [...new Set(list)]
}
