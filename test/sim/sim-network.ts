/**
 * The simulated network between the peers of a run: one link per pair, cut by
 * partitions or by a peer going down, and two kinds of traffic over it.
 * Gossip messages are delayed, reordered, duplicated and dropped at random,
 * as gossipsub over flaky links may do; sync streams keep their frames in
 * order (a stream is reliable) but may break, and a link going down breaks
 * every stream on it, as a reset connection does.
 */
import type { SeededRandom } from '../fixtures/random.ts'
import type { EventQueue } from './event-queue.ts'

export interface FaultRates {
  /** Chance that one gossip message is lost. */
  drop: number
  /** Chance that one gossip message arrives twice. */
  duplicate: number
  /** Longest delay of one message (ms); delays are uniform in [1, maxDelay]. */
  maxDelay: number
  /** Chance that a gossip message may overtake those sent before it on the same link (else a link keeps order, as one stream does). */
  reorder: number
  /** Chance that a sync stream breaks as it carries one frame. */
  streamBreak: number
}

export interface NetworkCounts {
  gossipSent: number
  gossipDropped: number
  gossipDuplicated: number
  framesSent: number
  streamsBroken: number
  partitions: number
}

/** A sync stream from `a` to `b`; frames in each direction arrive in order. */
export interface SimStream {
  readonly a: number
  readonly b: number
  readonly generation: number
  broken: boolean
  /** Simulated time the last frame in each direction arrives (a→b, b→a). */
  lastArrival: [number, number]
  onBreak: () => void
}

export class SimNetwork {
  readonly counts: NetworkCounts = { gossipSent: 0, gossipDropped: 0, gossipDuplicated: 0, framesSent: 0, streamsBroken: 0, partitions: 0 }
  rates: FaultRates
  /** Called when a link comes up (both ends online, no partition between them). */
  onLinkUp: (a: number, b: number) => void = () => undefined
  private readonly queue: EventQueue
  private readonly random: SeededRandom
  private readonly size: number
  private readonly online: boolean[]
  /** Partitions currently cutting each link; a link is up at 0 (and both ends online). */
  private readonly cuts: number[]
  /** Bumped each time a link goes down: what was in flight on it is lost. */
  private readonly generations: number[]
  private readonly streams = new Set<SimStream>()
  /** When the last in-order gossip message on each directed link arrives. */
  private readonly lastGossip = new Map<number, number>()

  constructor(queue: EventQueue, random: SeededRandom, size: number, rates: FaultRates) {
    this.queue = queue
    this.random = random
    this.size = size
    this.rates = rates
    this.online = new Array(size).fill(false)
    this.cuts = new Array(size * size).fill(0)
    this.generations = new Array(size * size).fill(0)
  }

  isUp(a: number, b: number): boolean {
    return a !== b && (this.online[a] as boolean) && (this.online[b] as boolean) && this.cuts[this.link(a, b)] === 0
  }

  /** The peers `a` can reach now. */
  neighbours(a: number): number[] {
    const out: number[] = []
    for (let b = 0; b < this.size; b++) if (this.isUp(a, b)) out.push(b)
    return out
  }

  setOnline(peer: number, online: boolean): void {
    this.changeLinks(() => {
      this.online[peer] = online
    })
  }

  /** Cuts every link between `side` and the other peers; returns the heal. */
  partition(side: readonly number[]): () => void {
    this.counts.partitions++
    const inSide = new Set(side)
    const crossing: number[] = []
    for (let a = 0; a < this.size; a++) for (let b = a + 1; b < this.size; b++) if (inSide.has(a) !== inSide.has(b)) crossing.push(this.link(a, b))
    this.changeLinks(() => {
      for (const l of crossing) this.cuts[l] = (this.cuts[l] as number) + 1
    })
    let healed = false
    return () => {
      if (healed) return
      healed = true
      this.changeLinks(() => {
        for (const l of crossing) this.cuts[l] = (this.cuts[l] as number) - 1
      })
    }
  }

  /** Sends one gossip message; `deliver` runs at the receiver for each copy that arrives. */
  gossip(from: number, to: number, deliver: () => Promise<void>): void {
    if (!this.isUp(from, to)) return
    this.counts.gossipSent++
    const generation = this.generations[this.link(from, to)]
    const copies = this.random.chance(this.rates.drop) ? 0 : this.random.chance(this.rates.duplicate) ? 2 : 1
    if (copies === 0) this.counts.gossipDropped++
    if (copies === 2) this.counts.gossipDuplicated++
    for (let c = 0; c < copies; c++) {
      // gossipsub sends on one stream per peer, which keeps order; a message still overtakes now and then (another path, a retransmission)
      const directed = from * this.size + to
      let arrival = this.queue.now + this.delay()
      if (!this.random.chance(this.rates.reorder)) {
        arrival = Math.max(arrival, this.lastGossip.get(directed) ?? 0)
        this.lastGossip.set(directed, arrival)
      }
      this.queue.after(arrival - this.queue.now, `gossip p${from}→p${to}`, () => {
        // a message in flight when its link went down is lost with the connection
        if (this.generations[this.link(from, to)] !== generation || !this.isUp(from, to)) return
        return deliver()
      })
    }
  }

  /** Opens a sync stream from `a` to `b`, or returns undefined when `b` cannot be reached. */
  openStream(a: number, b: number, onBreak: () => void): SimStream | undefined {
    if (!this.isUp(a, b)) return undefined
    const stream: SimStream = { a, b, generation: this.generations[this.link(a, b)] as number, broken: false, lastArrival: [0, 0], onBreak }
    this.streams.add(stream)
    return stream
  }

  /** Sends one frame on a stream; `deliver` runs at the other end unless the stream breaks first. */
  sendFrame(stream: SimStream, from: number, deliver: () => Promise<void>): void {
    if (stream.broken) return
    this.counts.framesSent++
    if (this.random.chance(this.rates.streamBreak)) {
      this.breakStream(stream)
      return
    }
    const direction = from === stream.a ? 0 : 1
    // a stream is ordered: a frame never overtakes the one sent before it
    const arrival = Math.max(this.queue.now + this.delay(), stream.lastArrival[direction])
    stream.lastArrival[direction] = arrival
    this.queue.after(arrival - this.queue.now, `frame p${from}→p${from === stream.a ? stream.b : stream.a}`, () => {
      if (stream.broken) return
      return deliver()
    })
  }

  closeStream(stream: SimStream): void {
    this.streams.delete(stream)
  }

  private breakStream(stream: SimStream): void {
    if (stream.broken) return
    stream.broken = true
    this.counts.streamsBroken++
    this.streams.delete(stream)
    // each end notices a reset or an idle timeout some time later
    this.queue.after(this.delay() * 4, `stream p${stream.a}↔p${stream.b} broke`, () => stream.onBreak())
  }

  /** Applies a change to the links and reports what went down (breaking its streams) and what came up. */
  private changeLinks(change: () => void): void {
    const before: boolean[] = []
    for (let a = 0; a < this.size; a++) for (let b = a + 1; b < this.size; b++) before.push(this.isUp(a, b))
    change()
    let i = 0
    const cameUp: Array<[number, number]> = []
    for (let a = 0; a < this.size; a++) {
      for (let b = a + 1; b < this.size; b++) {
        const was = before[i++] as boolean
        const is = this.isUp(a, b)
        if (was && !is) {
          this.generations[this.link(a, b)] = (this.generations[this.link(a, b)] as number) + 1
          for (const s of [...this.streams]) if ((s.a === a && s.b === b) || (s.a === b && s.b === a)) this.breakStream(s)
        } else if (!was && is) {
          cameUp.push([a, b])
        }
      }
    }
    for (const [a, b] of cameUp) this.onLinkUp(a, b)
  }

  private link(a: number, b: number): number {
    return a < b ? a * this.size + b : b * this.size + a
  }

  private delay(): number {
    return 1 + this.random.int(this.rates.maxDelay)
  }
}
