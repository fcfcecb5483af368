/**
 * Where a group's memory goes: `node --expose-gc test/bench/heap-profile.ts
 * [--entries N] [--members M] [--no-snapshot] [--keep DIR]` writes a group
 * of N entries (a few members, replies, edits, reactions; see
 * realistic-group.ts) into a SQLite store, then, in a fresh process so
 * nothing of the writing is counted, opens it with GroupLog.open as the
 * daemon does and reports the time, the heap and RSS it took, a heap
 * snapshot charged part by part (heap-attribution.ts). Figures go to docs
 * and RESULTS.md, not here.
 */
import { spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { getHeapSnapshot } from 'node:v8'
import { deviceKeyFromBytes, deviceKeyToBytes, fromHex, GroupLog, toHex } from '@causette/core'
import { nodeSignatures, SqliteStore, wasmXChaCha } from '@causette/node'
import { logMemory, type Share } from './heap-attribution.ts'
import { readHeapSnapshot } from './heap-snapshot.ts'
import { writeRealisticGroup } from './realistic-group.ts'

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '100000' },
    members: { type: 'string', default: '5' },
    'no-snapshot': { type: 'boolean', default: false },
    keep: { type: 'string' },
    measure: { type: 'string' }
  }
})
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) {
  console.error('run with --expose-gc: node --expose-gc test/bench/heap-profile.ts')
  process.exit(2)
}
const DATABASE = 'causette.db'
const GROUP_FILE = 'group.json'
const MiB = 2 ** 20

interface GroupFile {
  groupId: string
  secret: string
  key: string
  count: number
}

if (values.measure === undefined) await build()
else await measure(values.measure)

async function build(): Promise<void> {
  const dir = values.keep ?? (await mkdtemp(join(tmpdir(), 'causette-heap-')))
  await mkdir(dir, { recursive: true })
  const store = await SqliteStore.open(join(dir, DATABASE))
  const start = performance.now()
  const group = await writeRealisticGroup(store, Number(values.entries), Number(values.members), nodeSignatures(), wasmXChaCha)
  await store.close()
  console.log(`wrote ${group.count} entries by ${values.members} members in ${((performance.now() - start) / 1000).toFixed(1)} s`)
  const file: GroupFile = {
    groupId: toHex(group.groupId),
    secret: toHex(group.secret),
    key: toHex(deviceKeyToBytes(group.creator)),
    count: group.count
  }
  await writeFile(join(dir, GROUP_FILE), JSON.stringify(file))
  const args = [...process.execArgv, import.meta.filename, '--measure', dir, ...(values['no-snapshot'] ? ['--no-snapshot'] : [])]
  const child = spawnSync(process.execPath, args, { stdio: 'inherit' })
  if (values.keep === undefined) await rm(dir, { recursive: true, force: true })
  process.exitCode = child.status ?? 1
}

function settle(): NodeJS.MemoryUsage {
  for (let i = 0; i < 3; i++) (gc as () => void)()
  return process.memoryUsage()
}

async function measure(dir: string): Promise<void> {
  const file = JSON.parse(await readFile(join(dir, GROUP_FILE), 'utf8')) as GroupFile
  const signatures = nodeSignatures()
  const before = settle()
  const store = await SqliteStore.open(join(dir, DATABASE))
  const start = performance.now()
  const log = await GroupLog.open({
    groupId: fromHex(file.groupId),
    secret: fromHex(file.secret),
    key: deviceKeyFromBytes(fromHex(file.key)),
    store,
    signatures,
    aead: wasmXChaCha
  })
  const openMs = performance.now() - start
  const after = settle()
  const n = log.size
  console.log(`\nGroupLog.open of ${n} entries (${await log.view.countMessages()} messages shown): ${Math.round(openMs)} ms`)
  console.log('\n| measure | before open | after open | per entry |\n|---|--:|--:|--:|')
  for (const field of ['heapUsed', 'heapTotal', 'external', 'arrayBuffers', 'rss'] as const) {
    const delta = after[field] - before[field]
    console.log(`| ${field} | ${(before[field] / MiB).toFixed(1)} MiB | ${(after[field] / MiB).toFixed(1)} MiB | ${Math.round(delta / n)} B |`)
  }

  if (values['no-snapshot'] !== true) {
    const snapStart = performance.now()
    const memory = logMemory(await readHeapSnapshot(getHeapSnapshot()))
    console.log(
      `\nheap snapshot read in ${((performance.now() - snapStart) / 1000).toFixed(1)} s: ${memory.entries} entries, ${memory.frontiers} distinct frontiers`
    )
    printShares('owned by (each object charged once, to the first part that reaches it)', memory.owned, memory.entries)
    const growth = after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers
    console.log(`(the heap and array buffers grew by ${Math.round(growth / n)} B/entry in all while opening)`)
    printShares('retained (dominator tree; nested, so no total)', memory.retained, memory.entries, false)
    printShares('self size by constructor (whole heap, top 25)', memory.classes.slice(0, 25), memory.entries, false)
  }

  await store.close()
}

function printShares(title: string, shares: Share[], entries: number, withTotal = true): void {
  const total = shares.reduce((sum, s) => sum + s.bytes, 0)
  console.log(`\n${title}\n\n| part | MiB | B/entry | objects |\n|---|--:|--:|--:|`)
  for (const s of shares) {
    console.log(`| ${s.part} | ${(s.bytes / MiB).toFixed(1)} | ${Math.round(s.bytes / entries)} | ${s.objects} |`)
  }
  if (withTotal) console.log(`| total | ${(total / MiB).toFixed(1)} | ${Math.round(total / entries)} | |`)
}
