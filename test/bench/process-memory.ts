/**
 * Where a process's resident memory is, read from /proc (Linux): for the
 * diagnostic scripts (burst-memory-run.ts, idle-memory-run.ts), never part
 * of a recorded metric.
 *
 * smaps names each mapping: file-backed ones by their file (the node
 * binary's code and read-only data, shared libraries), glibc malloc's main
 * arena `[heap]` (the brk area), threads' stacks, and the rest anonymous:
 * V8's heap pages, other threads' malloc arenas (64 MiB reservations, each
 * partly committed), compiled WebAssembly. The V8 heap's share of the
 * anonymous memory comes from the process itself (inspector-client.ts).
 */
import { readFile } from 'node:fs/promises'

export interface Resident {
  /** VmRSS, RssAnon and RssFile, in KiB. */
  total: number
  anonymous: number
  file: number
  /** Resident KiB by what is mapped (a file, `[heap]`, `[stack]`, `[anon]`), largest first. */
  mappings: Array<[string, number]>
  /** Anonymous mappings of exactly 64 MiB of address space, or parts of one: other threads' malloc arenas (KiB resident). */
  arenas: number
}

const ARENA_BYTES = 64 * 2 ** 20

export async function residentMemory(pid: number): Promise<Resident> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const field = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0)
  const by = new Map<string, number>()
  let name = ''
  let arenas = 0
  // malloc's thread arenas are 64 MiB-aligned reservations, committed (rw) at the start, the rest ---p
  let arenaStart = -1
  let inArena = false
  for (const line of (await readFile(`/proc/${pid}/smaps`, 'utf8')).split('\n')) {
    const mapping = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line)
    if (mapping !== null) {
      name = (mapping[4] as string) || '[anon]'
      const start = Number.parseInt(mapping[1] as string, 16)
      const end = Number.parseInt(mapping[2] as string, 16)
      if (name === '[anon]' && start % ARENA_BYTES === 0 && (mapping[3] as string).startsWith('rw')) {
        arenaStart = start
        inArena = true
      } else {
        inArena = name === '[anon]' && arenaStart >= 0 && start < arenaStart + ARENA_BYTES && end <= arenaStart + ARENA_BYTES
      }
      continue
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line)
    if (rss === null) continue
    by.set(name, (by.get(name) ?? 0) + Number(rss[1]))
    if (inArena) arenas += Number(rss[1])
  }
  return {
    total: field('VmRSS'),
    anonymous: field('RssAnon'),
    file: field('RssFile'),
    mappings: [...by].sort((a, b) => b[1] - a[1]),
    arenas
  }
}

export const mib = (kib: number): string => `${(kib / 1024).toFixed(1)} MiB`
