/**
 * Live delivery's defence against floods and forgeries.
 *
 * Rate: each author's entries are admitted at a bounded rate (a token bucket
 * per author key). Entries beyond it are dropped before any signature is
 * checked, and forwarded by no one; they are not lost, since sync brings
 * them, batched and cheaper to verify. A peer that publishes its own
 * entries beyond the rate much faster than any writer does (thousands a
 * second, sustained) is flooding, and pays for each further entry.
 *
 * Conduct: each peer carries a penalty that decays with time, raised by each
 * flooded entry past the grace and each gossiped entry that proves malice.
 * The penalty is gossipsub's application-specific score (P5), so gossipsub
 * stops gossiping to the peer, then publishing to it, then ignores all it
 * sends (graylist); past the ban threshold the peer is disconnected and
 * refused until its penalty has decayed to half the threshold (a minute).
 *
 * Only what an honest peer never forwards counts against the peer that sent
 * it: an entry that does not decode, is forged or belongs to another group
 * (all checked before any peer forwards an entry). Anything else may have
 * been forwarded in good faith (an entry waiting for parents is forwarded
 * before it can be fully checked), so it counts only against its author's
 * own device. An admitted entry takes a token from its author's bucket; one
 * that turns out to be a duplicate or invalid gives it back, so nobody can
 * drain another author's rate with replays or forgeries in that author's name.
 *
 * ```ts
 * const guard = new GossipGuard()
 * guard.admit(peer, authorHex, true)  // 'admit' | 'throttle' | 'flood'
 * guard.refund(authorHex)             // it was a duplicate
 * guard.score(peer)                   // ≤ 0, for gossipsub
 * ```
 */

export interface GossipGuardInit {
  /** Entries per second admitted per author, on average. */
  authorRate?: number
  /** Entries an author may send at once before the rate applies. */
  authorBurst?: number
  /** Own entries beyond the rate, counted over the flood window, at which a peer is flooding. */
  floodGrace?: number
  /** Time for penalties to halve (ms). */
  halfLifeMs?: number
  /** Penalty at which a peer is disconnected and refused. */
  banAt?: number
  now?: () => number
}

export type Admission = 'admit' | 'throttle' | 'flood'

/** 100 entries/s, 200 at once: far above what people type; enough for bots and bridges. */
export const AUTHOR_RATE = 100
export const AUTHOR_BURST = 200
/**
 * A peer's own entries beyond the rate are counted with a half-life of
 * FLOOD_WINDOW_MS, so the count tracks its recent excess rate: 400 means
 * about 2,800 a second sustained. A program writing as fast as it can in
 * one process manages about 1,000 a second (measured in the tests), and is
 * only slowed; a flood of 10,000 a second is past it within 0.05 s, about
 * 500 entries, and cut off ten entries later.
 */
export const FLOOD_GRACE = 400
export const FLOOD_WINDOW_MS = 100
/** Each flooded entry past the grace, like each forged or foreign one: ten of them get a peer cut off. */
export const FLOOD_PENALTY = 10
export const FORGERY_PENALTY = 10
/** gossipsub's default thresholds with P5 weight 1: below -10 no gossip, -50 no publish, -80 graylisted. */
export const GRAYLIST_PENALTY = 80
export const BAN_PENALTY = 100
export const PENALTY_HALF_LIFE_MS = 60_000
/** Peers and authors tracked at once; the least recently seen are forgotten first. */
const MAX_TRACKED = 4096

/** Rejections an honest peer never forwards: decoding, signature and group are checked before any forwarding. */
const ALWAYS_MALICE = new Set([
  'EntryTooLargeError',
  'TruncatedEntryError',
  'MalformedEntryError',
  'NonCanonicalEncodingError',
  'InvalidSignatureError',
  'WrongGroupError'
])
/** Rejections that prove malice only of the entry's author (a forwarder may not have been able to check them). */
const AUTHOR_MALICE = new Set(['UndecryptableBodyError', 'InvalidChainError', 'InvalidClockError', 'InvalidGenesisError', 'MalformedOperationError'])

interface Bucket {
  tokens: number
  at: number
}

/** A count that halves every half-life. */
interface Decaying {
  value: number
  at: number
}

export class GossipGuard {
  private readonly authors = new Map<string, Bucket>()
  private readonly excess = new Map<string, Decaying>()
  private readonly penalties = new Map<string, Decaying>()
  /** Peers cut off, until their penalty has decayed to half the ban threshold. */
  private readonly bans = new Set<string>()
  private readonly rate: number
  private readonly burst: number
  private readonly grace: number
  private readonly halfLife: number
  private readonly banAt: number
  private readonly now: () => number
  /** Called once when a peer crosses the ban threshold. */
  onBan: (peer: string) => void = () => undefined

  constructor(init: GossipGuardInit = {}) {
    this.rate = init.authorRate ?? AUTHOR_RATE
    this.burst = init.authorBurst ?? AUTHOR_BURST
    this.grace = init.floodGrace ?? FLOOD_GRACE
    this.halfLife = init.halfLifeMs ?? PENALTY_HALF_LIFE_MS
    this.banAt = init.banAt ?? BAN_PENALTY
    this.now = init.now ?? Date.now
  }

  /**
   * Whether an entry by `author`, gossiped by `peer`, may be checked and
   * stored: 'throttle' when its author is over the rate (dropped, nobody
   * blamed), 'flood' when the peer itself is that author and past the grace
   * (dropped, and the peer pays for it).
   */
  admit(peer: string, author: string, ownEntry: boolean): Admission {
    const now = this.now()
    const bucket = touch(this.authors, author, () => ({ tokens: this.burst, at: now }))
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.rate)
    bucket.at = now
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return 'admit'
    }
    if (!ownEntry) return 'throttle'
    if (this.bump(this.excess, peer, 1, FLOOD_WINDOW_MS) <= this.grace) return 'throttle'
    this.penalize(peer, FLOOD_PENALTY)
    return 'flood'
  }

  /** Gives back the token an admitted entry took: it was a duplicate, or not really its author's. */
  refund(author: string): void {
    const bucket = this.authors.get(author)
    if (bucket !== undefined) bucket.tokens = Math.min(this.burst, bucket.tokens + 1)
  }

  /** Records a rejected entry `peer` gossiped; returns whether it counted against the peer. */
  rejected(peer: string, error: Error, ownEntry: boolean): boolean {
    if (!ALWAYS_MALICE.has(error.name) && !(ownEntry && AUTHOR_MALICE.has(error.name))) return false
    this.penalize(peer, FORGERY_PENALTY)
    return true
  }

  /** The peer's penalty now, decayed. */
  penalty(peer: string): number {
    return this.decayed(this.penalties.get(peer), this.halfLife)
  }

  /** gossipsub's application-specific score (P5) of the peer: zero for good conduct, more negative the worse. */
  readonly score = (peer: string): number => -this.penalty(peer)

  /** Whether gossipsub ignores the peer already (its score is below the graylist threshold). */
  graylisted(peer: string): boolean {
    return this.penalty(peer) >= GRAYLIST_PENALTY
  }

  /** Whether the peer is to be disconnected and refused: from the ban threshold until the penalty has halved. */
  banned(peer: string): boolean {
    if (!this.bans.has(peer)) return false
    if (this.penalty(peer) >= this.banAt / 2) return true
    this.bans.delete(peer)
    return false
  }

  private penalize(peer: string, amount: number): void {
    const value = this.bump(this.penalties, peer, amount, this.halfLife)
    if (value >= this.banAt && !this.banned(peer)) {
      if (this.bans.size >= MAX_TRACKED) this.bans.delete(this.bans.values().next().value as string)
      this.bans.add(peer)
      this.onBan(peer)
    }
  }

  /** Adds to a decaying count; returns its new value. */
  private bump(map: Map<string, Decaying>, key: string, amount: number, halfLife: number): number {
    const count = touch(map, key, () => ({ value: 0, at: 0 }))
    count.value = this.decayed(count, halfLife) + amount
    count.at = this.now()
    return count.value
  }

  private decayed(count: Decaying | undefined, halfLife: number): number {
    return count === undefined ? 0 : count.value * 2 ** (-(this.now() - count.at) / halfLife)
  }
}

/** The map's value for `key`, created if absent, moved to the young end; the oldest key goes when the map is full. */
function touch<V>(map: Map<string, V>, key: string, create: () => V): V {
  let value = map.get(key)
  if (value === undefined) {
    if (map.size >= MAX_TRACKED) map.delete(map.keys().next().value as string)
    value = create()
  } else {
    map.delete(key)
  }
  map.set(key, value)
  return value
}
