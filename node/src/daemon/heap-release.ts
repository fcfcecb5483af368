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
 */
import { Script } from 'node:vm'

const NUDGE_MS = 30_000

let nudging: NodeJS.Timeout | undefined

/** Keeps V8's memory reducer working (see above), for as long as the process lives; once is enough. */
export function keepMemoryReducerAwake(): void {
  if (nudging !== undefined) return
  new Script('')
  nudging = setInterval(() => new Script(''), NUDGE_MS).unref()
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
