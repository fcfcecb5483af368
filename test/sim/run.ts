/**
 * `npm run sim -- --seeds N [--seed S] [--peers P] [--ops O] [--signatures keyed-hash|ed25519] [--workers W] [--max-failures F] [--trace]`:
 * long simulation runs. Seeds S, S+1, … S+N-1 run on W worker threads (all
 * cores by default). The first seed is random unless given (and printed), so
 * long runs explore new schedules; `--seed S` alone replays that one seed, and
 * `--trace` prints every event of it. No new seed starts after F failing
 * seeds (10 by default).
 */
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import { runSeeds } from './seed-runner.ts'
import { addReport, describeFailure, emptyTotals, summaryLine } from './sim-summary.ts'
import type { SignatureScheme } from './simulation.ts'

const { values } = parseArgs({
  options: {
    seeds: { type: 'string' },
    seed: { type: 'string' },
    peers: { type: 'string', default: '5' },
    ops: { type: 'string', default: '300' },
    signatures: { type: 'string', default: 'keyed-hash' },
    workers: { type: 'string', default: String(availableParallelism()) },
    'max-failures': { type: 'string', default: '10' },
    trace: { type: 'boolean', default: false }
  }
})

const signatures = values.signatures as SignatureScheme
if (signatures !== 'keyed-hash' && signatures !== 'ed25519') throw new Error('--signatures is keyed-hash or ed25519')
const first = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed)
const count = Number(values.seeds ?? (values.seed === undefined ? 1000 : 1))
const peers = Number(values.peers)
const ops = Number(values.ops)
const workers = values.trace ? 1 : Number(values.workers)
for (const [name, v] of Object.entries({ seed: first, seeds: count, peers, ops, workers })) {
  if (!Number.isSafeInteger(v) || v < (name === 'seed' ? 0 : 1)) throw new Error(`--${name} must be a positive integer`)
}
if (peers < 2) throw new Error('--peers must be at least 2')

console.log(`simulating seeds ${first}…${first + count - 1}: ${peers} peers, ${ops} operations each, ${signatures} signatures, ${workers} workers`)
const totals = emptyTotals()
const started = performance.now()
let lastProgress = started
await runSeeds({
  first,
  count,
  peers,
  ops,
  signatures,
  workers,
  maxFailures: Number(values['max-failures']),
  ...(values.trace ? { trace: (line: string) => console.log(line) } : {}),
  onReport(report) {
    addReport(totals, report)
    if (report.problems.length > 0) console.log(describeFailure(report))
    if (count === 1) console.log(`seed ${report.config.seed}: ${report.entries} entries, final order digest ${report.digest.slice(0, 16)}`)
    if (performance.now() - lastProgress > 10_000) {
      lastProgress = performance.now()
      console.log(`… ${totals.seeds} of ${count} seeds, ${totals.failures.length} failing`)
    }
  }
})
console.log(summaryLine('simulation', { peers, ops, signatures }, totals, (performance.now() - started) / 1000))
process.exitCode = totals.failures.length > 0 ? 1 : 0
