/**
 * The simulation's clock and scheduler: events at simulated times, run one at
 * a time to completion (async work included) in (time, insertion) order, so a
 * run is a pure function of its seed.
 */

export type EventAction = () => void | Promise<void>

interface SimEvent {
  time: number
  order: number
  label: string
  action: EventAction
}

export class EventQueue {
  /** Simulated milliseconds since the run began. */
  now = 0
  /** Events run so far. */
  ran = 0
  private readonly heap: SimEvent[] = []
  private order = 0
  private readonly trace: ((line: string) => void) | undefined

  constructor(trace?: (line: string) => void) {
    this.trace = trace
  }

  get size(): number {
    return this.heap.length
  }

  /** Runs `action` `delay` ms from now (the label shows in traces). */
  after(delay: number, label: string, action: EventAction): void {
    this.push({ time: this.now + Math.max(0, delay), order: this.order++, label, action })
  }

  /**
   * Runs events until simulated time `until`, `maxEvents` events, or `stop()`
   * holds (checked between events). Returns why it stopped.
   */
  async run(until: number, maxEvents: number, stop?: () => boolean): Promise<'time' | 'events' | 'stopped' | 'empty'> {
    for (let n = 0; n < maxEvents; n++) {
      if (stop?.() === true) return 'stopped'
      const next = this.heap[0]
      if (next === undefined) return 'empty'
      if (next.time > until) {
        this.now = until
        return 'time'
      }
      this.pop()
      this.now = next.time
      this.ran++
      this.trace?.(`${(next.time / 1000).toFixed(3).padStart(9)}s  ${next.label}`)
      await next.action()
    }
    return 'events'
  }

  private push(e: SimEvent): void {
    const h = this.heap
    h.push(e)
    let i = h.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(e, h[parent] as SimEvent)) break
      h[i] = h[parent] as SimEvent
      i = parent
    }
    h[i] = e
  }

  private pop(): void {
    const h = this.heap
    const last = h.pop() as SimEvent
    if (h.length === 0) return
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      if (l >= h.length) break
      const r = l + 1
      const child = r < h.length && before(h[r] as SimEvent, h[l] as SimEvent) ? r : l
      if (!before(h[child] as SimEvent, last)) break
      h[i] = h[child] as SimEvent
      i = child
    }
    h[i] = last
  }
}

function before(a: SimEvent, b: SimEvent): boolean {
  return a.time !== b.time ? a.time < b.time : a.order < b.order
}
