/**
 * `npm run bench [-- --quick] [-- --only NAME]`: runs every benchmark, prints
 * the table and records it in results.json and RESULTS.md.
 */
import { parseArgs } from 'node:util'
import { catchUpBenchmark } from './catch-up.bench.ts'
import { comparisonBenchmark } from './comparison.bench.ts'
import { daemonBenchmark } from './daemon.bench.ts'
import { filesBenchmark } from './files.bench.ts'
import { type Benchmark, type Metric, machine, record, table } from './harness.ts'
import { latencyBenchmark } from './latency.bench.ts'
import { logBenchmark } from './log.bench.ts'
import { manyGroupsBenchmark } from './many-large-groups.ts'
import { rekeyBenchmark } from './rekey.bench.ts'
import { relayBenchmark } from './relay.bench.ts'
import { webBenchmark } from './web.bench.ts'

const BENCHMARKS: Benchmark[] = [
  logBenchmark,
  catchUpBenchmark,
  latencyBenchmark,
  rekeyBenchmark,
  relayBenchmark,
  daemonBenchmark,
  manyGroupsBenchmark,
  webBenchmark,
  filesBenchmark,
  comparisonBenchmark
]

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, 'no-record': { type: 'boolean', default: false } }
})
const quick = values.quick === true
const metrics: Metric[] = []
const runStart = performance.now()
for (const bench of BENCHMARKS) {
  if (values.only !== undefined && bench.name !== values.only) continue
  console.log(`▶ ${bench.name}${quick ? ' (quick)' : ''}`)
  const start = performance.now()
  try {
    metrics.push(...(await bench.run({ quick, log: (line) => console.log(line) })))
    console.log(`  done in ${((performance.now() - start) / 1000).toFixed(1)} s`)
  } catch (err) {
    // one broken benchmark must not cost the others' figures; the row and the exit code say it failed
    console.log(`  FAILED after ${((performance.now() - start) / 1000).toFixed(1)} s: ${(err as Error).stack ?? err}`)
    metrics.push({
      name: `${bench.name} benchmark`,
      value: 0,
      unit: '',
      error: `failed: ${(err as Error).message}`,
      conditions: 'see the run output'
    })
    process.exitCode = 1
  }
}
console.log(`\n${table(metrics)}\n\nall benchmarks: ${((performance.now() - runStart) / 1000).toFixed(1)} s`)
if (values['no-record'] !== true) {
  await record(new URL('./', import.meta.url), {
    date: new Date().toISOString(),
    quick,
    ...(values.only === undefined ? {} : { only: values.only }),
    machine: machine(),
    metrics
  })
  console.log('recorded in test/bench/results.json and test/bench/RESULTS.md')
}
