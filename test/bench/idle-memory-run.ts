/**
 * Where an idle daemon's resident memory is, for A/B runs of memory work:
 * `node test/bench/idle-memory-run.ts [GROUPS] [RUNS] [IDLE_MS]` (default
 * 50 groups, 3 runs, 5,000 ms) makes a data directory with GROUPS groups
 * of 20 messages, then RUNS times starts `causette start` on a copy of it,
 * waits for every group to be open and IDLE_MS more, and prints the
 * daemon's resident memory from /proc (Linux): in all, anonymous (heaps)
 * and file-backed (the node binary's pages), and its largest mappings.
 * The same conditions as the daemon benchmark's idle memory row. Records
 * nothing. The first start after a source file changed refills Node's
 * compile cache and loads the TypeScript stripper (~10–17 MiB more): it is
 * run once first and not counted.
 */
import { cp, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DaemonProcess, tempDir } from '../node/fixtures/daemons.ts'
import { messageText } from './synthetic-log.ts'

const groups = Number(process.argv[2] ?? 50)
const runs = Number(process.argv[3] ?? 3)
const idleMs = Number(process.argv[4] ?? 5000)

async function api(daemon: DaemonProcess): Promise<(method: string, path: string, body?: unknown) => Promise<unknown>> {
  const token = (await readFile(join(daemon.home, 'api-token'), 'utf8')).trim()
  return async (method, path, body) => {
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
    const res = await fetch(`${daemon.ready.api}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
    return res.json()
  }
}

const mib = (kb: number) => `${(kb / 1024).toFixed(1)} MiB`

/** VmRSS, RssAnon and RssFile, in kB. */
async function resident(pid: number): Promise<Record<string, number>> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Object.fromEntries(['VmRSS', 'RssAnon', 'RssFile'].map((key) => [key, Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1])]))
}

/** Resident kB by what is mapped (a file, [heap] for malloc's main arena, [anon] for the rest), largest first. */
async function mappings(pid: number): Promise<Array<[string, number]>> {
  const by = new Map<string, number>()
  let name = ''
  for (const line of (await readFile(`/proc/${pid}/smaps`, 'utf8')).split('\n')) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line)
    if (mapping !== null) name = mapping[1] || '[anon]'
    const rss = /^Rss:\s+(\d+) kB/.exec(line)
    if (rss !== null) by.set(name, (by.get(name) ?? 0) + Number(rss[1]))
  }
  return [...by].sort((a, b) => b[1] - a[1])
}

async function measure(home: string, show: boolean): Promise<number> {
  const daemon = await DaemonProcess.start(home)
  try {
    await daemon.waitForEvent((e) => e.type === 'groups:opened', 'the groups to open', 120_000)
    await new Promise((resolve) => setTimeout(resolve, idleMs))
    const pid = daemon.process.pid as number
    const { VmRSS, RssAnon, RssFile } = await resident(pid)
    if (show) {
      console.log(`  ${mib(VmRSS as number)} resident: ${mib(RssAnon as number)} anonymous, ${mib(RssFile as number)} file-backed`)
      for (const [name, kb] of (await mappings(pid)).slice(0, 6)) console.log(`    ${mib(kb).padStart(9)}  ${name}`)
    }
    return VmRSS as number
  } finally {
    await daemon.stop()
  }
}

const dir = await tempDir('causette-idle-')
try {
  const template = join(dir.path, 'template')
  const maker = await DaemonProcess.start(template)
  const call = await api(maker)
  for (let i = 0; i < groups; i++) {
    const { group } = (await call('POST', '/v1/groups', { name: `Group ${i}` })) as { group: { id: string } }
    for (let m = 0; m < 20; m++) await call('POST', `/v1/groups/${group.id}/messages`, { text: messageText(m) })
  }
  await maker.stop()
  const results: number[] = []
  for (let run = 0; run <= runs; run++) {
    const home = join(dir.path, `run-${run}`)
    await cp(template, home, { recursive: true })
    if (run > 0) console.log(`run ${run}: ${groups} groups of 20 messages, opened, then ${idleMs} ms idle`)
    const kb = await measure(home, run > 0)
    if (run > 0) results.push(kb)
  }
  console.log(`resident: ${results.map(mib).join(', ')}`)
} finally {
  await dir.remove()
}
