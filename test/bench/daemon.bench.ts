import { join } from 'node:path'
import type { GroupSummary, HistoryResponse, StatusResponse } from '@causette/node'
import { cli, DaemonProcess, tempDir } from '../node/fixtures/daemons.ts'
import { Api, median, timed } from './daemon-api.ts'
import { ingest } from './daemon-ingest.ts'
import type { Benchmark, Metric } from './harness.ts'
import { ingestInChild } from './ingest-child.ts'
import { largeGroupHome } from './large-group-home.ts'
import { messageText } from './synthetic-log.ts'

export const daemonBenchmark: Benchmark = {
  name: 'daemon',
  async run(ctx) {
    const dir = await tempDir('causette-bench-')
    const metrics: Metric[] = []
    try {
      metrics.push(...(await coldStart(dir.path, ctx.quick ? 2 : 7)))
      ctx.log('  cold start measured')
      metrics.push(await idleMemory(dir.path, ctx.quick ? 10 : 50))
      ctx.log('  idle memory measured')
      metrics.push(...(await (ctx.quick ? ingest(2_000, 2_000, dir.path) : ingest(20_000, 100_000, dir.path))))
      ctx.log('  ingest measured')
      if (!ctx.quick) {
        // the issue's rows at a million messages in one group (~10 min here): the first 20,000's rate
        // and CPU are the 100,000 run's rows already
        const million = await ingestInChild(20_000, 1_000_000, 10_000)
        metrics.push(...million.filter((m) => m.name.includes('1,000,000')))
        ctx.log('  ingest of 1,000,000 measured')
      }
      metrics.push(...(await largeGroupHistory(dir.path, ctx.quick ? 10_000 : 100_000, ctx.log)))
    } finally {
      await dir.remove()
    }
    return metrics
  }
}

/** The 120 MB idle with 50 groups, in MiB. */
const IDLE_TARGET = { op: '<=' as const, value: 114 }

/** From spawning `causette start` to its ready line: on a fresh data directory (key made, schema created), then again. */
async function coldStart(root: string, runs: number): Promise<Metric[]> {
  const first: number[] = []
  const again: number[] = []
  for (let i = 0; i < runs; i++) {
    const home = join(root, `cold-${i}`)
    for (const times of [first, again]) {
      const [daemon, ms] = await timed(() => DaemonProcess.start(home))
      times.push(ms)
      await daemon.stop()
    }
  }
  return [
    {
      name: 'daemon cold start to ready (first start)',
      value: Math.round(median(first)),
      unit: 'ms',
      conditions: `median of ${runs}: spawn of \`causette start\` on a fresh data directory (device key made, schema created) to its ready line (API answering, libp2p listening); Node's compile cache already filled by an earlier start of this version (the first start after an install or update fills it, ~250 ms more)`
    },
    {
      name: 'daemon cold start to ready (restart)',
      value: Math.round(median(again)),
      unit: 'ms',
      conditions: `median of ${runs}: the same data directory started again`
    }
  ]
}

/** RSS of a daemon that restarted with `groups` groups, opened them all, and then sat idle for 5 s. */
async function idleMemory(root: string, groups: number): Promise<Metric> {
  const home = join(root, 'idle')
  let daemon = await DaemonProcess.start(home)
  let api = await Api.of(daemon)
  for (let i = 0; i < groups; i++) {
    const { group } = await api.call<{ group: GroupSummary }>('POST', '/v1/groups', { name: `Group ${i}` })
    for (let m = 0; m < 20; m++) await api.call('POST', `/v1/groups/${group.id}/messages`, { text: messageText(m) })
  }
  await daemon.stop()
  daemon = await DaemonProcess.start(home)
  api = await Api.of(daemon)
  await daemon.waitForEvent((e) => e.type === 'groups:opened', 'the groups to open', 60_000)
  await new Promise((resolve) => setTimeout(resolve, 5000))
  const status = await api.call<StatusResponse>('GET', '/v1/status')
  await daemon.stop()
  return {
    name: `daemon RSS idle with ${groups} groups`,
    value: Math.round(status.rssBytes / 2 ** 20),
    unit: 'MiB',
    target: IDLE_TARGET,
    conditions: `resident memory after a restart with ${groups} groups of 20 messages each, all opened, then 5 s idle (no peers), Node's compile cache filled (no TypeScript stripper loaded; 17 MiB more without); the issue's target is 120 MB`
  }
}

/**
 * History of a group of `count` messages: the last 50 through the API (the
 * target) and through the CLI (a process start included), the first opening
 * of such a group (log loaded, index built), and how soon a restarted daemon
 * answers history while the log is still loading.
 */
async function largeGroupHistory(root: string, count: number, log: (line: string) => void): Promise<Metric[]> {
  const home = join(root, 'large')
  log(`  writing a ${count.toLocaleString('en-US')}-message group…`)
  const groupId = await largeGroupHome(home, count)
  let daemon = await DaemonProcess.start(home)
  const opened = await daemon.waitForEvent((e) => e.type === 'group:opened', 'the large group to open', 600_000)
  let api = await Api.of(daemon)
  const path = `/v1/groups/${groupId}/messages?limit=50`
  const apiTimes: number[] = []
  for (let i = 0; i < 40; i++) {
    const [page, ms] = await timed(() => api.call<HistoryResponse>('GET', path))
    if (page.messages.length !== 50) throw new Error(`history gave ${page.messages.length} messages`)
    if (i >= 10) apiTimes.push(ms)
  }
  const cliTimes: number[] = []
  for (let i = 0; i < 7; i++) {
    const [result, ms] = await timed(() => cli(home, ['history', groupId, '--limit', '50']))
    if (result.code !== 0) throw new Error(result.stderr)
    cliTimes.push(ms)
  }
  const searchTimes: number[] = []
  for (let i = 0; i < 10; i++) searchTimes.push((await timed(() => api.call('GET', `/v1/search?group=${groupId}&q=message%2099`)))[1])
  await daemon.stop()

  const [restarted, readyMs] = await timed(() => DaemonProcess.start(home))
  daemon = restarted
  api = await Api.of(daemon)
  const [, firstHistoryMs] = await timed(() => api.call<HistoryResponse>('GET', path))
  const stillLoading = !daemon.events().some((e) => e.type === 'group:opened')
  const reopened = await daemon.waitForEvent((e) => e.type === 'group:opened', 'the large group to open again', 600_000)
  await daemon.stop()
  return [
    {
      name: `history: last 50 of ${count.toLocaleString('en-US')} messages`,
      value: Number(median(apiTimes).toFixed(1)),
      unit: 'ms',
      target: { op: '<=', value: 50 },
      conditions: `median of 30 GET /v1/groups/:id/messages?limit=50 through the control API (HTTP on loopback), served from the group's view in SQLite`
    },
    {
      name: `causette history of a ${count.toLocaleString('en-US')}-message group`,
      value: Math.round(median(cliTimes)),
      unit: 'ms',
      conditions: 'median of 7 runs of the CLI command, Node process start included'
    },
    {
      name: `search in a ${count.toLocaleString('en-US')}-message group`,
      value: Number(median(searchTimes).toFixed(1)),
      unit: 'ms',
      conditions: 'median of 10 API searches for two words found in ~1% of messages (FTS5), newest 50 returned'
    },
    {
      name: `first opening of a ${count.toLocaleString('en-US')}-message group stored without facts`,
      value: Math.round(opened.durationMs as number),
      unit: 'ms',
      conditions:
        'entries stored as a version before entry facts stored them (an upgrade): every entry read once (decode, decrypt, order), its facts and view rows written; once per group'
    },
    {
      name: `opening of a ${count.toLocaleString('en-US')}-message group`,
      value: Math.round(reopened.durationMs as number),
      unit: 'ms',
      target: { op: '<=', value: 100 },
      conditions:
        "the log opened by a restarted daemon from its facts: membership entries admitted again, heads, authors' latest entries and the count read; no history read"
    },
    {
      name: `cold start of a ${count.toLocaleString('en-US')}-message group to its last 50 messages`,
      value: Math.round(firstHistoryMs),
      unit: 'ms',
      target: { op: '<=', value: 300 },
      conditions: `the first history request to a daemon that restarted with the group (ready after ${Math.round(readyMs)} ms, not counted), ${stillLoading ? 'answered from the index while the log was still loading' : 'after the log had loaded'}`
    },
    {
      name: `restart to first history of a ${count.toLocaleString('en-US')}-message group`,
      value: Math.round(readyMs + firstHistoryMs),
      unit: 'ms',
      conditions: `process spawn to ready (${Math.round(readyMs)} ms) plus the first history request (${Math.round(firstHistoryMs)} ms), ${stillLoading ? 'answered from the index while the log was still loading' : 'after the log had loaded'}; the log itself took ${Math.round(reopened.durationMs as number)} ms to open`
    }
  ]
}
