/**
 * The ingest benchmark alone, for profiling and quick A/B runs:
 * `node test/bench/ingest-run.ts [MEASURED] [TOTAL] [--catch-up N] [--json]`
 * (default 20,000 of 20,000) prints its metrics and records nothing; with
 * --json, as one JSON array on the last line (how the daemon benchmark runs
 * its million-message ingest in a process of its own, ingestInChild). With
 * `NODE_OPTIONS='--cpu-prof --cpu-prof-dir=DIR'` the daemon child writes its
 * profile too (read it with profile-summary.ts).
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { tempDir } from '../node/fixtures/daemons.ts'
import { ingest } from './daemon-ingest.ts'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'catch-up': { type: 'string', default: '0' }, json: { type: 'boolean', default: false } }
})
const measured = Number(positionals[0] ?? 20_000)
const total = Number(positionals[1] ?? measured)
// stopped (ingest-child.ts on time out): the daemon it started goes too, by its process id
process.once('SIGINT', () => {
  try {
    for (const pid of readFileSync(`/proc/self/task/${process.pid}/children`, 'utf8').trim().split(/\s+/))
      if (pid !== '') process.kill(Number(pid), 'SIGKILL')
  } finally {
    process.exit(130)
  }
})
const dir = await tempDir('causette-ingest-')
try {
  const metrics = await ingest(measured, total, dir.path, { catchUp: Number(values['catch-up']) })
  if (values.json === true) console.log(JSON.stringify(metrics))
  else for (const metric of metrics) console.log(`${metric.name}: ${metric.value} ${metric.unit} (${metric.conditions})`)
} finally {
  await dir.remove()
}
