/**
 * Reachability: for each peer this device wants a connection to (a member of
 * one of its groups), whether it is connected, since when it is not, and
 * when it is worth dialling next. Pure state and time in, decisions out: the
 * libp2p adapter (member-links.ts) feeds it connections, disconnections,
 * discoveries and dial results, and asks it whom to dial.
 *
 * Redials back off exponentially with jitter, so a member that is gone costs
 * a dial a minute, then one every ten minutes, then nothing: after
 * GIVE_UP_AFTER_MS unreachable it is left alone until something new is heard
 * of it (a discovery, a new address, an inbound connection). A discovery
 * (mDNS hears the peer announce itself) is fresh evidence the peer is there,
 * so it allows a dial at once, at most one per DISCOVERY_DIAL_GAP_MS.
 */

export const FIRST_REDIAL_MS = 1_000
/** Longest wait between redials during the first hour a member is unreachable. */
export const REDIAL_CAP_MS = 60_000
/** Longest wait after that. */
export const LONG_REDIAL_CAP_MS = 10 * 60_000
export const LONG_AFTER_MS = 3600_000
export const GIVE_UP_AFTER_MS = 7 * 24 * 3600_000
export const DISCOVERY_DIAL_GAP_MS = 5_000

export interface PeerReachability {
  peer: string
  connected: boolean
  /** Connected since, or unreachable since (lost, or first wanted without a connection). */
  since: number
  /** Last time a connection to it was open (ms), if ever in this run. */
  lastConnected?: number
  /** Failed dials since it was last connected. */
  failedDials: number
  /** When a timed redial is due; undefined when connected or given up. */
  nextDialAt?: number
  /** Unreachable for longer than GIVE_UP_AFTER_MS: no timed redials until something new is heard of it. */
  givenUp: boolean
}

interface PeerState {
  connected: boolean
  since: number
  lastConnected?: number
  failedDials: number
  nextDialAt: number
  lastDialAt: number
  dialing: boolean
  givenUp: boolean
}

export class Reachability {
  private readonly peers = new Map<string, PeerState>()
  private readonly random: () => number

  constructor(random: () => number = Math.random) {
    this.random = random
  }

  /** Starts tracking a peer (idempotent); a new one is dialled at once unless connected. */
  want(peer: string, now: number, connected: boolean): void {
    if (this.peers.has(peer)) return
    this.peers.set(peer, { connected, since: now, failedDials: 0, nextDialAt: now, lastDialAt: 0, dialing: false, givenUp: false })
  }

  /** Stops tracking peers no longer wanted (they left every group, or were blocked). */
  keepOnly(wanted: ReadonlySet<string>): void {
    for (const peer of this.peers.keys()) if (!wanted.has(peer)) this.peers.delete(peer)
  }

  connected(peer: string, now: number): void {
    const state = this.peers.get(peer)
    if (state === undefined || state.connected) return
    Object.assign(state, { connected: true, since: now, lastConnected: now, failedDials: 0, givenUp: false })
  }

  /** Lost its last connection: redial soon, then back off. */
  disconnected(peer: string, now: number): void {
    const state = this.peers.get(peer)
    if (state === undefined || !state.connected) return
    Object.assign(state, { connected: false, since: now, lastConnected: now, failedDials: 0, givenUp: false })
    state.nextDialAt = now + this.jitter(FIRST_REDIAL_MS)
  }

  /** Something new was heard of the peer (new addresses): worth a dial at once, whatever the backoff. */
  renewed(peer: string, now: number): void {
    const state = this.peers.get(peer)
    if (state === undefined || state.connected) return
    state.givenUp = false
    state.failedDials = 0
    state.nextDialAt = now
  }

  /** Whether a discovery of the peer should lead to a dial now; if so the dial is counted as begun. */
  dialOnDiscovery(peer: string, now: number): boolean {
    const state = this.peers.get(peer)
    if (state === undefined || state.connected || state.dialing || now - state.lastDialAt < DISCOVERY_DIAL_GAP_MS) return false
    state.givenUp = false
    this.begin(state, now)
    return true
  }

  /** Peers whose timed redial is due, oldest due first, at most `limit`; each is counted as being dialled. */
  due(now: number, limit: number): string[] {
    const due = [...this.peers]
      .filter(([, s]) => !s.connected && !s.dialing && !s.givenUp && s.nextDialAt <= now)
      .sort(([, a], [, b]) => a.nextDialAt - b.nextDialAt)
      .slice(0, limit)
    for (const [, state] of due) this.begin(state, now)
    return due.map(([peer]) => peer)
  }

  /** A dial ended; a failure pushes the next one back. */
  dialEnded(peer: string, now: number, ok: boolean): void {
    const state = this.peers.get(peer)
    if (state === undefined) return
    state.dialing = false
    if (ok) {
      this.connected(peer, now)
      return
    }
    if (state.connected) return
    state.failedDials++
    if (now - state.since >= GIVE_UP_AFTER_MS) {
      state.givenUp = true
      return
    }
    const cap = now - state.since >= LONG_AFTER_MS ? LONG_REDIAL_CAP_MS : REDIAL_CAP_MS
    state.nextDialAt = now + this.jitter(Math.min(cap, FIRST_REDIAL_MS * 2 ** state.failedDials))
  }

  get(peer: string): PeerReachability | undefined {
    const s = this.peers.get(peer)
    if (s === undefined) return undefined
    return {
      peer,
      connected: s.connected,
      since: s.since,
      ...(s.lastConnected === undefined ? {} : { lastConnected: s.lastConnected }),
      failedDials: s.failedDials,
      ...(s.connected || s.givenUp ? {} : { nextDialAt: s.nextDialAt }),
      givenUp: s.givenUp
    }
  }

  /** Whether a dial to the peer is under way. */
  dialing(peer: string): boolean {
    return this.peers.get(peer)?.dialing === true
  }

  private begin(state: PeerState, now: number): void {
    state.dialing = true
    state.lastDialAt = now
  }

  /** ±20 %, so peers that lost each other at the same moment do not redial in lockstep. */
  private jitter(ms: number): number {
    return Math.round(ms * (0.8 + 0.4 * this.random()))
  }
}
