/**
 * The work every system does in the side-by-side comparison (Causette,
 * OrbitDB, Peerbit), and the raw figures each reports back, so all three
 * are summarised by the same code. Imported by the peers' own benchmark
 * scripts too, so it imports nothing.
 */

export interface PeerWorkload {
  /** A --quick run: reduced sizes, and no waits for steady state that cost seconds. */
  quick: boolean
  /** Messages written on A, one at a time, for each size in `liveSizes`. */
  liveMessages: number
  /** Text sizes in bytes: chat-sized, and the 1 KB of the 10-peer latency benchmark. */
  liveSizes: number[]
  /** Pause between two live messages, so each is timed alone. */
  liveGapMs: number
  /** Entries A writes while B is offline, then B catches up. */
  catchUpEntries: number
  /** Size of each catch-up entry's text. */
  catchUpSize: number
  /** Bound on each phase (start-up, live, writing, catch-up), in ms. */
  phaseTimeoutMs: number
}

export interface LiveResult {
  size: number
  /** One latency per message that arrived, in ms: write called on A to the entry held on B. */
  samples: number[]
  /** Messages that did not arrive within the phase bound. */
  lost: number
}

export interface CatchUpResult {
  entries: number
  /** Entries B held when the clock stopped (= entries unless the phase timed out). */
  held: number
  /** From B's dial of A to B holding every entry. */
  ms: number
  /** How long A took to write the entries (not part of the catch-up time). */
  writeMs: number
  timedOut: boolean
}

export interface PeerResult {
  system: string
  version: string
  /** What exactly each figure times, in this system's terms. */
  timed: { live: string; catchUp: string }
  live: LiveResult[]
  /** Absent when the phase failed; `errors` says why. */
  catchUp?: CatchUpResult
  errors: string[]
}

/** The line a peer's benchmark process prints its result on (stdout may carry library logs too). */
export const RESULT_PREFIX = 'CAUSETTE_BENCH_RESULT '

export function peerWorkload(quick: boolean): PeerWorkload {
  return quick
    ? { quick, liveMessages: 20, liveSizes: [200, 1000], liveGapMs: 10, catchUpEntries: 500, catchUpSize: 200, phaseTimeoutMs: 20_000 }
    : { quick, liveMessages: 200, liveSizes: [200, 1000], liveGapMs: 10, catchUpEntries: 10_000, catchUpSize: 200, phaseTimeoutMs: 180_000 }
}

/** A chat message of exactly `size` ASCII characters (bytes), distinct for each `i`. */
export function chatText(i: number, size: number): string {
  const head = `message ${i}: `
  return (head + 'the quick brown fox jumps over the lazy dog '.repeat(Math.ceil(size / 44))).slice(0, size)
}

/** Resolves with `work`, or rejects after `ms` saying what did not finish. */
export async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)} s`)), ms)
  })
  try {
    return await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Polls `condition` every `everyMs` until it holds; false if `ms` passed first. */
export async function until(condition: () => boolean | Promise<boolean>, ms: number, everyMs = 5): Promise<boolean> {
  const deadline = performance.now() + ms
  while (!(await condition())) {
    if (performance.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
  return true
}
