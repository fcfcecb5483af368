/**
 * Catch-up in the simulation: pairs of real SyncSessions (core's message-in /
 * messages-out machine) whose frames are encoded, carried by a simulated
 * stream and decoded at the other end. When to sync mirrors CausettePeer: the
 * lower peer starts a session when a link comes up, a peer that received an
 * entry with missing parents asks the sender, after a session both sides ask
 * their other neighbours as core's SyncCascade says, and each peer reconciles with
 * one stale neighbour per anti-entropy period. At most one session runs per
 * (initiator, responder) pair; requests meanwhile run once more afterwards. A
 * broken session is retried after a back-off. As SyncRunner does, a responder
 * refuses a device removed from the group (with no invite made since): the
 * session ends refused and is not retried.
 */
import { decodeFrame, encodeFrame, type SyncFrame, SyncSession, toHex } from '@causette/core'
import type { SeededRandom } from '../fixtures/random.ts'
import type { EventQueue } from './event-queue.ts'
import { removedFrom } from './membership.ts'
import type { SimNetwork, SimStream } from './sim-network.ts'
import type { SimPeer } from './sim-peer.ts'

export interface SyncCounts {
  started: number
  completed: number
  broken: number
  /** Sessions a responder refused: the initiator was removed from the group. */
  refused: number
  entriesAdded: number
}

export interface SyncWorld {
  queue: EventQueue
  network: SimNetwork
  random: SeededRandom
  peers: SimPeer[]
  /** Records something an honest network must never do. */
  problem(text: string): void
}

type Outcome = 'completed' | 'broken' | 'refused'

/** Retry delay after a broken session (ms): within the range a real idle timeout or reconnect gives. */
const RETRY_MIN_MS = 500
const RETRY_SPREAD_MS = 4000

export class SyncCoordinator {
  readonly counts: SyncCounts = { started: 0, completed: 0, broken: 0, refused: 0, entriesAdded: 0 }
  private readonly world: SyncWorld
  private readonly active = new Set<string>()
  private readonly again = new Set<string>()

  constructor(world: SyncWorld) {
    this.world = world
  }

  /** No session is running or waiting to run. */
  get idle(): boolean {
    return this.active.size === 0
  }

  request(from: number, to: number): void {
    const key = `${from}/${to}`
    if (this.active.has(key)) {
      this.again.add(key)
      return
    }
    this.start(from, to)
  }

  /** Requests a session with one neighbour not synced within `period`, every `period` ms while the peer lives. */
  antiEntropy(peer: SimPeer, period: number): void {
    const incarnation = peer.incarnation
    this.world.queue.after(period, `${peer.name} anti-entropy`, () => {
      if (peer.incarnation !== incarnation || !peer.running) return
      const now = this.world.queue.now
      const stale = this.world.network.neighbours(peer.index).filter((n) => now - (peer.lastSync.get(n) ?? -period) >= period)
      if (stale.length > 0) this.request(peer.index, this.world.random.pick(stale))
      this.antiEntropy(peer, period)
    })
  }

  private start(from: number, to: number): void {
    const { peers, network } = this.world
    const initiatorPeer = peers[from] as SimPeer
    const responderPeer = peers[to] as SimPeer
    if (!initiatorPeer.running || !responderPeer.running) return
    const key = `${from}/${to}`
    const incarnations = [initiatorPeer.incarnation, responderPeer.incarnation]
    let ended = false
    let inFlight = 0
    const end = (outcome: Outcome) => {
      if (ended) return
      ended = true
      network.closeStream(stream as SimStream)
      this.active.delete(key)
      this.finished(from, to, outcome, initiator, responder, incarnations)
    }
    const stream = network.openStream(from, to, () => end('broken'))
    if (stream === undefined) return
    this.active.add(key)
    this.counts.started++
    const initiator = new SyncSession({
      role: 'initiator',
      localPeer: initiatorPeer.name,
      remotePeer: responderPeer.name,
      log: initiatorPeer.runningLog
    })
    const responderLog = responderPeer.runningLog
    const responderTag = responderPeer.syncTagHex
    const initiatorKey = toHex(initiatorPeer.key.publicKey)
    let refused = false
    const responder = new SyncSession({
      role: 'responder',
      localPeer: responderPeer.name,
      remotePeer: initiatorPeer.name,
      // a removed member keeps the secret, but gets nothing more
      findGroup: (tag) => {
        if (toHex(tag) !== responderTag) return undefined
        refused = removedFrom(responderLog, initiatorKey)
        return refused ? undefined : responderLog
      }
    })

    const send = (sender: number, frames: SyncFrame[]) => {
      const receiver = sender === from ? to : from
      const session = receiver === from ? initiator : responder
      for (const frame of frames) {
        const bytes = encodeFrame(frame)
        inFlight++
        network.sendFrame(stream, sender, async () => {
          inFlight--
          let answer: SyncFrame[]
          try {
            answer = await session.receive(decodeFrame(bytes))
          } catch (err) {
            if ((err as Error).name === 'SyncRefusedError' && refused) {
              end('refused')
              return
            }
            // honest peers over a stream that delivered every frame in order never fail a session
            this.world.problem(`sync p${from}→p${to}: ${(err as Error).name}: ${(err as Error).message}`)
            end('broken')
            return
          }
          send(receiver, answer)
          if (initiator.finished && responder.finished) end('completed')
          else if (inFlight === 0 && !stream.broken)
            this.world.problem(`sync p${from}→p${to} stalled: neither side has anything to send and neither has finished`)
        })
      }
    }
    send(from, initiator.start())
  }

  private finished(from: number, to: number, outcome: Outcome, initiator: SyncSession, responder: SyncSession, incarnations: number[]): void {
    const { peers, queue, random } = this.world
    const key = `${from}/${to}`
    const alive = (i: number, k: number) => (peers[i] as SimPeer).running && (peers[i] as SimPeer).incarnation === incarnations[k]
    if (outcome === 'completed') {
      this.counts.completed++
      this.counts.entriesAdded += initiator.added + responder.added
      const sides: Array<[number, number, SyncSession, number]> = [
        [from, to, initiator, 0],
        [to, from, responder, 1]
      ]
      for (const [self, other, session, k] of sides) {
        if (!alive(self, k)) continue
        const peer = peers[self] as SimPeer
        peer.lastSync.set(other, queue.now)
        // entries that came by sync were not gossiped: pass them on, by CausettePeer's own rule
        const neighbours = this.world.network.neighbours(self).map(String)
        for (const n of peer.cascade.next(peer.runningLog, String(other), session.added, neighbours)) this.request(self, Number(n))
      }
    } else if (outcome === 'refused') {
      this.counts.refused++
    } else {
      this.counts.broken++
      if (alive(from, 0)) queue.after(RETRY_MIN_MS + random.int(RETRY_SPREAD_MS), `retry p${from}→p${to}`, () => this.request(from, to))
    }
    if (this.again.delete(key) && alive(from, 0)) this.request(from, to)
  }
}
