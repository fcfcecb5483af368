/**
 * Loaded into a daemon (`NODE_OPTIONS=--import=…/gc-count.ts`) by
 * files-profile.ts: counts V8's collections, by kind and time, between two
 * SIGUSR2s, and writes them to `gc-<pid>.json` in CAUSETTE_GC_COUNT_DIR.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { constants, PerformanceObserver } from 'node:perf_hooks'

const KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks'
}
let counts: Record<string, { count: number; ms: number }> | undefined
const observer = new PerformanceObserver((list) => {
  if (counts === undefined) return
  for (const entry of list.getEntries()) {
    const kind = KINDS[(entry as unknown as { detail: { kind: number } }).detail.kind] ?? 'other'
    const c = counts[kind] ?? { count: 0, ms: 0 }
    c.count++
    c.ms += entry.duration
    counts[kind] = c
  }
})
observer.observe({ entryTypes: ['gc'] })
process.on('SIGUSR2', () => {
  if (counts === undefined) {
    counts = {}
    return
  }
  writeFileSync(join(process.env.CAUSETTE_GC_COUNT_DIR ?? '.', `gc-${process.pid}.json`), JSON.stringify(counts))
  counts = undefined
})
