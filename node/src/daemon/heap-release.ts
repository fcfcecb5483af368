/**
 * Gives the V8 heap a busy spell grew back to the system once the daemon
 * is idle again.
 *
 * V8 keeps the pages its heap grew to; its memory reducer is what releases
 * them, with full GCs that compact the heap, once it sees the allocation
 * rate fall. In Node 24 (V8 13.6) it never sees that: it also requires a
 * low rate of allocation on the C++ heap (cppgc), which Node hardly uses,
 * and a rate of exactly zero reads as the highest there is
 * (`--trace-memory-reducer` prints "high alloc" every 8 s, for minutes, of
 * an idle daemon); only a watchdog 100 s after the last full GC releases
 * anything. Compiling an empty vm.Script allocates one object there. Done
 * every 30 s, it keeps the rate above zero (V8 decays it towards zero, and
 * one allocation at start no longer counts two minutes later) and
 * negligible: the reducer works as designed again. Measured in a plain
 * script, a 300 MB burst of garbage two minutes after start was released
 * ~17 s after it (336 → 6 MB of heap) with the nudge every 30 s, and not at
 * all in the next 35 s with a single one at start.
 *
 * Opening the stored groups at start is such a burst, and its end is
 * known: compactHeap() runs a memory-reducing GC right then
 * (LowMemoryNotification, through an in-process inspector session, which
 * opens no port), instead of ~8 s later. A daemon with 50 groups of 20
 * messages, 5 s after opening them: ~104 MiB resident instead of ~114,
 * its heap ~24 MB committed instead of ~38.
 *
 * Other bursts (peers' messages coming in by the thousand, a long sync)
 * end when they end; the reducer, even awake, acts only once a timer 8 s
 * after the last full GC finds allocation low over the last seconds, and
 * reschedules 8 s on if the burst still shows: 8 to 16 s or more after the
 * burst, after 15 s in about half the daemon benchmark's runs (the heap
 * still ~300 MB committed for ~60 MB live after 100,000 messages).
 * releaseAfterBursts() looks every 5 s: once the heap has grown by 16 MB
 * since the last compaction and the event loop was idle over those 5 s,
 * it compacts the heap then.
 *
 * The heap is half of it. A burst also leaves holes in malloc's arenas
 * (every ArrayBuffer is malloc'd), which glibc keeps resident until
 * malloc_trim (malloc-trim.ts): ~95 MiB after 100,000 messages. So the
 * watch also counts the resident set's growth, and a release trims malloc
 * after compacting the heap (releaseMemory).
 *
 * Caches outside V8 that a burst fills (SQLite's page cache: the store's
 * `shrink`) register with alsoRelease and are emptied first, so their
 * pages go back with malloc's trim.
 */
import { performance } from 'node:perf_hooks'
import { getHeapStatistics } from 'node:v8'
import { Script } from 'node:vm'

import { trimMalloc } from './malloc-trim.ts'

const NUDGE_MS = 30_000
/** How often releaseAfterBursts looks at the heap. */
const WATCH_MS = 5_000
/**
 * Growth of the committed heap, or of the resident set, since the last
 * release that makes one worth its few tens of milliseconds of an idle
 * event loop. 16 MB: the relay's 128 reservations and 100 kept groups grow
 * it by ~26 MB, of which a release gives back about half.
 */
const GROWTH_BYTES = 16 * 2 ** 20
/** Event loop utilisation below which the daemon counts as idle (a busy burst keeps it near 1). */
const IDLE_UTILISATION = 0.1

let nudging: NodeJS.Timeout | undefined
let watching: NodeJS.Timeout | undefined
/** What else a release empties (alsoRelease). */
const givers = new Set<() => void>()

/** Has every release also run `giveBack` (emptying a cache a burst filled) until the returned function is called. */
export function alsoRelease(giveBack: () => void): () => void {
  givers.add(giveBack)
  return () => givers.delete(giveBack)
}

/** Keeps V8's memory reducer working (see above), for as long as the process lives; once is enough. */
export function keepMemoryReducerAwake(): void {
  if (nudging !== undefined) return
  new Script('')
  nudging = setInterval(() => new Script(''), NUDGE_MS).unref()
}

/** Compacts the heap and trims malloc after a burst (see above), for as long as the process lives; once is enough. */
export function releaseAfterBursts(): void {
  if (watching !== undefined) return
  let baseline = grown()
  let last = performance.eventLoopUtilization()
  let releasing = false
  watching = setInterval(() => {
    const now = performance.eventLoopUtilization()
    const idle = performance.eventLoopUtilization(now, last).utilization < IDLE_UTILISATION
    last = now
    const current = grown()
    // V8 gave some back by itself: growth counts from there
    baseline = { heap: Math.min(baseline.heap, current.heap), rss: Math.min(baseline.rss, current.rss) }
    const burst = current.heap - baseline.heap >= GROWTH_BYTES || current.rss - baseline.rss >= GROWTH_BYTES
    if (releasing || !idle || !burst) return
    releasing = true
    releaseMemory()
      .catch(() => undefined)
      .finally(() => {
        releasing = false
        baseline = grown()
        last = performance.eventLoopUtilization()
      })
  }, WATCH_MS).unref()
}

/** What a burst grows: V8's committed heap, and the whole resident set (malloc's arenas with it). */
function grown(): { heap: number; rss: number } {
  return { heap: getHeapStatistics().total_heap_size, rss: process.memoryUsage.rss() }
}

/**
 * Gives back what a burst left: the caches registered with alsoRelease
 * emptied, the heap compacted (compactHeap), then the
 * free pages in malloc's arenas returned (trimMalloc, glibc only). Tens of
 * milliseconds on the event loop, for 100 MiB and more given back after a
 * large one (test/bench/RESULTS.md).
 */
export async function releaseMemory(): Promise<void> {
  for (const giveBack of givers) {
    try {
      giveBack()
    } catch {
      // a cache that cannot be emptied now (a store closing) keeps its memory
    }
  }
  await compactHeap()
  trimMalloc()
}

/** A full, memory-reducing GC now: a few tens of milliseconds, once. Does nothing where Node has no inspector. */
export async function compactHeap(): Promise<void> {
  let session: import('node:inspector/promises').Session
  try {
    const { Session } = await import('node:inspector/promises')
    session = new Session()
    session.connect()
  } catch {
    return
  }
  try {
    await session.post('HeapProfiler.collectGarbage')
  } finally {
    session.disconnect()
  }
}
