/**
 * Where the daemon's resident memory is after a burst of ingest, for A/B
 * runs of memory work: `node test/bench/burst-memory-run.ts [MEASURED]
 * [TOTAL] [--inspect] [--snapshot FILE] [--malloc] [--catch-up N]` runs the daemon benchmark's ingest
 * (default 20,000 of 100,000 messages) and prints, right after the last
 * message is in and once settled (15 s later), the daemon's resident memory
 * by mapping (process-memory.ts). With --inspect the daemon runs with an
 * inspector and its V8 heap figures are printed too (the inspector costs
 * some memory itself); --snapshot also writes a heap snapshot of the
 * settled daemon and prints what holds the most; --malloc prints malloc's
 * arenas (gdb, malloc-info.ts) and, last, what malloc_trim(0) would give
 * back. Records nothing.
 */
import { createReadStream } from 'node:fs'
import { parseArgs } from 'node:util'
import { tempDir } from '../node/fixtures/daemons.ts'
import { ingest } from './daemon-ingest.ts'
import { readHeapSnapshot } from './heap-snapshot.ts'
import { InspectorClient } from './inspector-client.ts'
import { type ArenaInfo, mallocInfo, mallocTrim } from './malloc-info.ts'
import { mib, residentMemory } from './process-memory.ts'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    inspect: { type: 'boolean', default: false },
    snapshot: { type: 'string' },
    malloc: { type: 'boolean', default: false },
    'catch-up': { type: 'string', default: '0' }
  }
})
const measured = Number(positionals[0] ?? 20_000)
const total = Number(positionals[1] ?? 100_000)
const INSPECT_PORT = 9_339
const inspect = values.inspect === true || values.snapshot !== undefined
// only the daemon is started after this: the benchmark's own process already runs
if (inspect) process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:${INSPECT_PORT}`.trim()

const kib = (bytes: number) => bytes / 1024

async function probe(pid: number, moment: string): Promise<void> {
  const r = await residentMemory(pid)
  const named = (name: string) => r.mappings.find(([n]) => n === name)?.[1] ?? 0
  const stacks = r.mappings.filter(([n]) => n.startsWith('[stack')).reduce((sum, [, k]) => sum + k, 0)
  console.log(`${moment}: ${mib(r.total)} resident: ${mib(r.anonymous)} anonymous, ${mib(r.file)} file-backed`)
  console.log(
    `  [heap] (malloc main arena) ${mib(named('[heap]'))}, 64 MiB-aligned anonymous (thread arenas) ${mib(r.arenas)}, stacks ${mib(stacks)}`
  )
  for (const [name, k] of r.mappings.slice(0, 6)) console.log(`    ${mib(k).padStart(9)}  ${name}`)
  if (values.malloc === true) await mallocReport(pid, moment)
  if (!inspect) return
  const client = await InspectorClient.connect(INSPECT_PORT)
  try {
    const heap = await client.heap()
    const committed = Object.values(heap.spaces).reduce((sum, s) => sum + s.committed, 0)
    const other = r.anonymous - named('[heap]') - r.arenas - stacks - kib(committed)
    console.log(
      `  V8 heap committed ${mib(kib(committed))} (used ${mib(kib(heap.heapUsed))}); external ${mib(kib(heap.external))} of which array buffers ${mib(kib(heap.arrayBuffers))}; anonymous besides these ${mib(other)}`
    )
    const spaces = Object.entries(heap.spaces).filter(([, s]) => s.committed > 2 ** 20)
    console.log(`  ${spaces.map(([name, s]) => `${name} ${mib(kib(s.committed))}/${mib(kib(s.used))}`).join(', ')}`)
    if (moment === 'settled' && values.snapshot !== undefined) {
      await client.snapshot(values.snapshot)
      await summarise(values.snapshot)
    }
  } finally {
    client.close()
  }
}

/** malloc's arenas: held from the system and free inside; once settled, what malloc_trim(0) would give back. */
async function mallocReport(pid: number, moment: string): Promise<void> {
  const arenas = await mallocInfo(pid)
  const main = arenas.find((a) => a.index === 0)
  const others = arenas.filter((a) => a.index !== 0)
  const sum = (list: ArenaInfo[], key: 'system' | 'free') => list.reduce((n, a) => n + a[key], 0)
  console.log(
    `  malloc: main arena ${mib(kib(main?.system ?? 0))} (${mib(kib(main?.free ?? 0))} free), ${others.length} other arenas ${mib(kib(sum(others, 'system')))} (${mib(kib(sum(others, 'free')))} free)`
  )
  if (moment !== 'settled') return
  await mallocTrim(pid)
  const after = await residentMemory(pid)
  console.log(
    `  after malloc_trim(0) (diagnostic only): ${mib(after.total)} resident, [heap] ${mib(after.mappings.find(([n]) => n === '[heap]')?.[1] ?? 0)}`
  )
}

/** Self size by constructor, and the objects retaining the most. */
async function summarise(path: string): Promise<void> {
  const graph = await readHeapSnapshot(createReadStream(path))
  const byClass = new Map<string, [number, number]>()
  let all = 0
  for (let n = 0; n < graph.nodeCount; n++) {
    const type = graph.type(n)
    const key = type === 'object' || type === 'closure' ? graph.name(n) : `(${type})`
    const share = byClass.get(key) ?? [0, 0]
    share[0] += graph.selfSize(n)
    share[1]++
    byClass.set(key, share)
    all += graph.selfSize(n)
  }
  console.log(`  snapshot: ${mib(kib(all))} live in ${graph.nodeCount} objects; by constructor:`)
  for (const [name, [bytes, count]] of [...byClass].sort((a, b) => b[1][0] - a[1][0]).slice(0, 20)) {
    console.log(`    ${mib(kib(bytes)).padStart(9)}  ${count.toString().padStart(8)}  ${name.slice(0, 80)}`)
  }
  const retaining: Array<[number, number]> = []
  for (let n = 1; n < graph.nodeCount; n++) if (graph.type(n) !== 'synthetic') retaining.push([n, graph.retainedSize(n)])
  retaining.sort((a, b) => b[1] - a[1])
  console.log('  retaining the most:')
  for (const [n, bytes] of retaining.slice(0, 30)) console.log(`    ${mib(kib(bytes)).padStart(9)}  ${graph.type(n)} ${graph.name(n).slice(0, 80)}`)
}

const dir = await tempDir('causette-burst-')
try {
  for (const metric of await ingest(measured, total, dir.path, { probe, catchUp: Number(values['catch-up']) }))
    console.log(`${metric.name}: ${metric.value} ${metric.unit}`)
} finally {
  await dir.remove()
}
