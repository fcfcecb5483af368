/**
 * The ingest benchmark alone, for profiling and quick A/B runs:
 * `node test/bench/ingest-run.ts [MEASURED] [TOTAL]` (default 20,000 of
 * 20,000) prints its metrics and records nothing. With
 * `NODE_OPTIONS='--cpu-prof --cpu-prof-dir=DIR'` the daemon child writes its
 * profile too (read it with profile-summary.ts).
 */
import { tempDir } from '../node/fixtures/daemons.ts'
import { ingest } from './daemon-ingest.ts'

const measured = Number(process.argv[2] ?? 20_000)
const total = Number(process.argv[3] ?? measured)
const dir = await tempDir('causette-ingest-')
try {
  for (const metric of await ingest(measured, total, dir.path)) console.log(`${metric.name}: ${metric.value} ${metric.unit} (${metric.conditions})`)
} finally {
  await dir.remove()
}
