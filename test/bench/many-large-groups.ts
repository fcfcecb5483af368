/**
 * The "daemon with 50 such groups ready ≤ 1 s": a data directory
 * holding `groups` groups of `count` messages each (large-group-home.ts,
 * written straight into SQLite), opened once by a daemon (which works out
 * each group's facts and view, as after an upgrade: not measured), then
 * the daemon restarted: from the spawn of `causette start` until every
 * group is open (`groups:opened`) and each has answered its last 50
 * messages through the API. Its own benchmark (`--only many-groups`), in
 * the full run only: writing 50 groups of 100,000 and opening them a first
 * time takes ~10 min here.
 */
import { join } from 'node:path'
import type { HistoryResponse } from '@causette/node'
import { DaemonProcess, tempDir } from '../node/fixtures/daemons.ts'
import { Api, median } from './daemon-api.ts'
import type { Benchmark, Metric } from './harness.ts'
import { largeGroupHome } from './large-group-home.ts'

const RESTARTS = 3
/** Opening 50 groups of 100,000 for the first time works out ~5 s of facts and view each. */
const FIRST_OPENING_MS = 30 * 60_000

export const manyGroupsBenchmark: Benchmark = {
  name: 'many-groups',
  async run(ctx) {
    if (ctx.quick) return []
    const dir = await tempDir('causette-bench-')
    try {
      return await manyLargeGroups(dir.path, 50, 100_000, ctx.log)
    } finally {
      await dir.remove()
    }
  }
}

async function manyLargeGroups(root: string, groups: number, count: number, log: (line: string) => void): Promise<Metric[]> {
  const home = join(root, 'many-large')
  const ids: string[] = []
  for (let i = 0; i < groups; i++) {
    ids.push(await largeGroupHome(home, count))
    if ((i + 1) % 10 === 0) log(`  ${i + 1} of ${groups} groups of ${count.toLocaleString('en-US')} written`)
  }
  const first = await DaemonProcess.start(home)
  await first.waitForEvent((e) => e.type === 'groups:opened', 'the groups to open a first time', FIRST_OPENING_MS)
  await first.stop()
  log('  first opening done (facts and views worked out)')

  const times: number[] = []
  for (let run = 0; run < RESTARTS; run++) {
    const started = performance.now()
    const daemon = await DaemonProcess.start(home)
    try {
      await daemon.waitForEvent((e) => e.type === 'groups:opened', 'the groups to open', 120_000)
      const api = await Api.of(daemon)
      for (const id of ids) {
        const page = await api.call<HistoryResponse>('GET', `/v1/groups/${id}/messages?limit=50`)
        if (page.messages.length !== 50) throw new Error(`group ${id.slice(0, 8)} gave ${page.messages.length} messages`)
      }
      times.push(performance.now() - started)
    } finally {
      await daemon.stop()
    }
  }
  return [
    {
      name: `daemon with ${groups} groups of ${count.toLocaleString('en-US')} messages ready`,
      value: Math.round(median(times)),
      unit: 'ms',
      target: { op: '<=', value: 1_000 },
      conditions: `median of ${RESTARTS} restarts: spawn of \`causette start\` on a data directory holding ${groups} groups of ${count.toLocaleString('en-US')} messages (10 authors each, opened before) until every group is open and each has answered its last 50 messages through the API (${groups} requests, one after another)`
    }
  ]
}
