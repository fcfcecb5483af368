/**
 * Gives glibc's free memory back to the system: `malloc_trim(0)`.
 *
 * Node allocates every ArrayBuffer and most of its native objects with
 * malloc; a burst of messages or a long sync frees them again, but glibc
 * returns memory to the system only from the top of each arena, and the
 * holes the burst left below chunks still in use stay resident. After
 * 100,000 messages that was ~95 of the main heap's ~110 MiB
 * (test/bench/RESULTS.md). `malloc_trim(0)` walks every arena and
 * `madvise`s the free pages inside it away as well; Node never calls it,
 * and JavaScript cannot without a foreign-function call, made here through
 * koffi (prebuilt for each platform, nothing compiled at install).
 *
 * Only glibc has malloc_trim: on musl, macOS or Windows, or wherever koffi
 * cannot load, trimming is simply not available and nothing else changes.
 */
import { createRequire } from 'node:module'

type Trim = (pad: number) => number

let trim: Trim | null | undefined

/** The system's malloc_trim, or null where there is none (not glibc, or no FFI). Looked up once. */
function mallocTrim(): Trim | null {
  if (trim !== undefined) return trim
  trim = null
  if (process.platform !== 'linux') return trim
  try {
    // musl has no libc.so.6: the load throws, and there is nothing to trim
    const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi')
    trim = koffi.load('libc.so.6').func('int malloc_trim(size_t pad)') as Trim
  } catch {
    trim = null
  }
  return trim
}

/** Whether this process can give malloc's free pages back (glibc on Linux, koffi loadable). */
export function canTrimMalloc(): boolean {
  return mallocTrim() !== null
}

/**
 * Returns malloc's free pages to the system, blocking the event loop for a
 * few milliseconds to a few tens (it walks every arena). True if it ran.
 */
export function trimMalloc(): boolean {
  const run = mallocTrim()
  if (run === null) return false
  run(0)
  return true
}
