/**
 * Running a flood test: the flooder in its own process (flooder.ts), and a
 * probe of honest delivery that counts each message from when it was due.
 */
import { spawn } from 'node:child_process'
import { setPriority } from 'node:os'
import { createInterface } from 'node:readline'
import type { TestPeer } from '../../fixtures/peers.ts'

/** The flooder stands for another machine: on this one, it must not take the honest peers' CPU first. */
const FLOODER_NICENESS = 10

export interface FloodReport {
  published: number
  /** Dials the flooder made to get back in after being cut off. */
  redials: number
  /** Honest peers it was connected to at its last report. */
  connected: number
}

/** Runs test/core/hostile/flooder.ts in its own process; `ready` gives its peer id and device key once it is about to flood. */
export function startFlooder(order: { invite: string; dial: string[]; rate: number; seconds: number }) {
  const child = spawn(process.execPath, [new URL('./flooder.ts', import.meta.url).pathname, JSON.stringify(order)], {
    stdio: ['ignore', 'pipe', 'inherit']
  })
  // the flooder stands for another machine: on this one, it must not take the honest peers' CPU first
  if (child.pid !== undefined) setPriority(child.pid, FLOODER_NICENESS)
  const lines = createInterface({ input: child.stdout })
  let ready: (flooder: { peer: string; author: string }) => void = () => undefined
  let done: (report: FloodReport) => void = () => undefined
  const readyPromise = new Promise<{ peer: string; author: string }>((resolve) => {
    ready = resolve
  })
  const donePromise = new Promise<FloodReport>((resolve, reject) => {
    let last: FloodReport = { published: 0, redials: 0, connected: 0 }
    lines.on('line', (line) => {
      const message = JSON.parse(line) as { ready?: string; author?: string; published?: number; redials?: number; connected?: number; done?: number }
      if (message.ready !== undefined) ready({ peer: message.ready, author: message.author ?? '' })
      if (message.published !== undefined) last = { published: message.published, redials: message.redials ?? 0, connected: message.connected ?? 0 }
      if (message.done !== undefined) done({ ...last, published: message.done })
    })
    child.on('exit', (code) => (code === 0 ? resolve(last) : reject(new Error(`the flooder exited with code ${code}`))))
    done = resolve
  })
  return { ready: readyPromise, done: donePromise }
}

/** Honest messages, when each was written and when each other honest peer had it. */
export class DeliveryProbe {
  private readonly sent = new Map<string, { at: number; by: TestPeer }>()
  private readonly arrivals = new Map<string, Map<TestPeer, number>>()
  private readonly pending: Array<Promise<unknown>> = []
  private readonly groupId: string

  constructor(peers: TestPeer[], groupId: string) {
    this.groupId = groupId
    for (const p of peers) {
      p.peer.addEventListener('entries', (evt) => {
        const now = performance.now()
        for (const e of evt.detail.entries) {
          const at = this.arrivals.get(e.idHex) ?? new Map<TestPeer, number>()
          if (!at.has(p)) at.set(p, now)
          this.arrivals.set(e.idHex, at)
        }
      })
    }
  }

  /** Sends a message that was due at `due` (performance.now() time). */
  send(by: TestPeer, text: string, due: number): void {
    this.pending.push(by.peer.send(this.groupId, { type: 'message', text }).then((e) => this.sent.set(e.idHex, { at: due, by })))
  }

  /** Waits for the last sends to resolve and a second for their delivery. */
  async settle(): Promise<void> {
    await Promise.all(this.pending)
    await new Promise((resolve) => setTimeout(resolve, 1000))
  }

  /** Deliveries (message × other honest peer) within `ms` of when the message was due, of all deliveries due (after `from`). */
  withinMs(ms: number, from = Number.NEGATIVE_INFINITY): { ok: number; total: number; arrived: number; slowestMs: number } {
    let ok = 0
    let total = 0
    let arrived = 0
    let slowest = 0
    for (const [id, { at, by }] of this.sent) {
      if (at < from) continue
      for (const [peer, when] of this.arrivals.get(id) ?? new Map<TestPeer, number>()) {
        if (peer === by) continue
        arrived++
        slowest = Math.max(slowest, when - at)
        if (when - at <= ms) ok++
      }
      total += 2
    }
    return { ok, total, arrived, slowestMs: Math.round(slowest) }
  }
}
