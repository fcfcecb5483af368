/**
 * Where a file's time goes between two daemons: `node test/bench/files-profile.ts
 * [--mb N] [--no-profile] [--dir DIR] [--node-options "..."]` sends N MB
 * (200 by default) from one daemon to another as the files benchmark does,
 * prints the wall time and, for the reader's download alone, each daemon's
 * CPU time by thread (main, V8's workers, libuv's) and its collections by
 * kind (gc-count.ts, loaded into the daemons), and leaves a CPU profile of
 * each daemon in DIR with the seconds of the download within it, for
 * profile-summary.ts --from/--to. `--node-options` adds to the daemons'
 * NODE_OPTIONS (an --import that sets V8 flags, say); what they print
 * besides their JSON lines is then kept in DIR.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { SendResponse } from '@causette/node'
import { DaemonProcess, ISOLATED, withoutDesktop } from '../node/fixtures/daemons.ts'
import { randomFile } from './files.bench.ts'
import { cpuTime } from './process-cpu.ts'

const MB = 1_000_000

/** Each thread's name and CPU seconds (user and system), by thread id. */
async function threadTimes(pid: number): Promise<Map<string, { name: string; seconds: number }>> {
  const threads = new Map<string, { name: string; seconds: number }>()
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => '')
    if (stat === '') continue
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/\d+$/, '')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    threads.set(tid, { name: tid === String(pid) ? 'main' : name, seconds: (Number(fields[11]) + Number(fields[12])) / 100 })
  }
  return threads
}
const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '200' },
    'no-profile': { type: 'boolean', default: false },
    dir: { type: 'string' },
    'node-options': { type: 'string', default: '' }
  }
})
const bytes = Number(values.mb) * MB
const dir = await mkdtemp(join(tmpdir(), 'causette-files-profile-'))
const profiles = values.dir ?? join(dir, 'profiles')
const gcCounter = new URL('./gc-count.ts', import.meta.url).pathname
const nodeOptions = `${values['no-profile'] ? '' : `--cpu-prof --cpu-prof-dir=${profiles} `}--import=${gcCounter} ${values['node-options']}`.trim()
const env = { ...withoutDesktop(), NODE_OPTIONS: nodeOptions, CAUSETTE_GC_COUNT_DIR: dir }
const flags = [...ISOLATED, '--max-file-mb', '1900']
const alice = await DaemonProcess.start(join(dir, 'alice'), [...flags, '--name', 'Alice'], { env })
const bob = await DaemonProcess.start(join(dir, 'bob'), [...flags, '--name', 'Bob'], { env })
// what the daemons print besides their JSON lines (V8's --trace-gc, say), kept for reading
const printed = { alice: [] as string[], bob: [] as string[] }
alice.process.stdout?.on('data', (chunk: string) => printed.alice.push(chunk))
bob.process.stdout?.on('data', (chunk: string) => printed.bob.push(chunk))
try {
  const { group } = await alice.cliJson<{ group: { id: string } }>(['create', 'Files profile'])
  const invite = await alice.cliJson<{ link: string }>(['invite', group.id])
  await bob.cliJson(['join', invite.link, '--timeout', '60s'])
  const path = join(dir, 'file.bin')
  await randomFile(path, bytes)
  const sendStarted = performance.now()
  const sent = await alice.cliJson<SendResponse>(['send', group.id, '--file', path])
  console.log(`sent ${bytes / MB} MB in ${((performance.now() - sendStarted) / 1000).toFixed(2)} s`)
  await rm(path)
  for (let i = 0; i < 600; i++) {
    const page = await bob.cliJson<{ messages: Array<{ id: string }> }>(['history', group.id, '-n', '5'])
    if (page.messages.some((m) => m.id === sent.message.id)) break
    await new Promise((r) => setTimeout(r, 100))
  }
  const api = JSON.parse(await readFile(join(bob.home, 'api.json'), 'utf8')) as { url: string }
  const token = (await readFile(join(bob.home, 'api-token'), 'utf8')).trim()
  const pids = { alice: alice.process.pid as number, bob: bob.process.pid as number }
  const cpuBefore = { alice: await cpuTime(pids.alice), bob: await cpuTime(pids.bob) }
  const threadsBefore = { alice: await threadTimes(pids.alice), bob: await threadTimes(pids.bob) }
  // the daemons count their collections from here (gc-count.ts)
  for (const pid of Object.values(pids)) process.kill(pid, 'SIGUSR2')
  const fromUs = Number(process.hrtime.bigint() / 1000n)
  const started = performance.now()
  const res = await fetch(`${api.url}/v1/groups/${group.id}/messages/${sent.message.id}/files/0`, { headers: { authorization: `Bearer ${token}` } })
  let read = 0
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) read += chunk.byteLength
  const seconds = (performance.now() - started) / 1000
  const toUs = Number(process.hrtime.bigint() / 1000n)
  for (const pid of Object.values(pids)) process.kill(pid, 'SIGUSR2')
  const cpuAfter = { alice: await cpuTime(pids.alice), bob: await cpuTime(pids.bob) }
  const threadsAfter = { alice: await threadTimes(pids.alice), bob: await threadTimes(pids.bob) }
  if (read !== bytes) throw new Error(`read ${read} of ${bytes} bytes`)
  console.log(`downloaded in ${seconds.toFixed(2)} s: ${(bytes / MB / seconds).toFixed(1)} MB/s`)
  for (const who of ['alice', 'bob'] as const) {
    const total = cpuAfter[who].total - cpuBefore[who].total
    const main = cpuAfter[who].main - cpuBefore[who].main
    console.log(`${who === 'alice' ? 'sender' : 'reader'} CPU during the download: ${total.toFixed(2)} s (main thread ${main.toFixed(2)} s)`)
    const byName = new Map<string, number>()
    for (const [tid, t] of threadsAfter[who]) {
      const spent = t.seconds - (threadsBefore[who].get(tid)?.seconds ?? 0)
      byName.set(t.name, (byName.get(t.name) ?? 0) + spent)
    }
    const gcFile = join(dir, `gc-${pids[who]}.json`)
    for (
      let i = 0;
      i < 50 &&
      !(await readFile(gcFile).then(
        () => true,
        () => false
      ));
      i++
    )
      await new Promise((r) => setTimeout(r, 20))
    const gcs = JSON.parse(await readFile(gcFile, 'utf8')) as Record<string, { count: number; ms: number }>
    console.log(
      `  collections: ${Object.entries(gcs)
        .map(([kind, c]) => `${c.count} ${kind} (${c.ms.toFixed(0)} ms)`)
        .join(', ')}`
    )
    console.log(
      `  by thread: ${[...byName]
        .filter(([, s]) => s > 0)
        .map(([n, s]) => `${n} ${s.toFixed(2)} s`)
        .join(', ')}`
    )
  }
  await Promise.all([alice.stop(), bob.stop()])
  if (values['node-options'] !== '') {
    await mkdir(profiles, { recursive: true })
    for (const who of ['alice', 'bob'] as const) await writeFile(join(profiles, `${who}.out`), printed[who].join(''))
    console.log(`what the daemons printed: ${join(profiles, 'alice.out')}, ${join(profiles, 'bob.out')}`)
  }
  if (!values['no-profile']) {
    for (const name of (await readdir(profiles)).filter((n) => n.endsWith('.cpuprofile'))) {
      const profile = JSON.parse(await readFile(join(profiles, name), 'utf8')) as { startTime: number }
      const [, pid, thread] = (/\.(\d+)\.(\d+)\.\d+\.cpuprofile$/.exec(name) ?? []).map(Number)
      const who = `${pid === pids.alice ? 'sender' : pid === pids.bob ? 'reader' : `pid ${pid}`}${thread === 0 ? '' : ` (thread ${thread})`}`
      console.log(
        `${who}: ${join(profiles, name)} --from ${((fromUs - profile.startTime) / 1e6).toFixed(2)} --to ${((toUs - profile.startTime) / 1e6).toFixed(2)}`
      )
    }
  }
} finally {
  await Promise.all([alice.kill(), bob.kill()])
  if (values.dir === undefined && values['no-profile']) await rm(dir, { recursive: true, force: true })
}
