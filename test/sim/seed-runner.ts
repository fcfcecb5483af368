/**
 * Runs many seeds of the simulation, spread over worker threads when there is
 * more than one core to use. Each seed is still one deterministic run: which
 * worker runs it changes nothing in it; in this thread or a worker, it runs
 * with Node's ciphers (node-ciphers.ts). After `maxFailures` failing seeds no
 * new seed starts, so a broken build fails fast instead of churning.
 */
import { Worker } from 'node:worker_threads'
import { NODE_CIPHERS } from './node-ciphers.ts'
import { runSimulation, type SimConfig, type SimReport } from './simulation.ts'

export interface SeedRange extends Omit<SimConfig, 'seed'> {
  first: number
  count: number
  /** Worker threads; 1 runs in this thread (and is the only way to trace). */
  workers: number
  maxFailures?: number
  onReport?: (report: SimReport) => void
}

export async function runSeeds(range: SeedRange): Promise<SimReport[]> {
  const { first, count, workers, onReport, maxFailures = Number.POSITIVE_INFINITY, ...config } = range
  const seeds = Array.from({ length: count }, (_, i) => first + i)
  const reports: SimReport[] = []
  let failed = 0
  const take = (r: SimReport) => {
    reports.push(r)
    if (r.problems.length > 0) failed++
    onReport?.(r)
  }
  if (workers <= 1 || count === 1) {
    for (const seed of seeds) {
      if (failed >= maxFailures) break
      take(await runSimulation({ ...config, seed }, NODE_CIPHERS))
    }
  } else {
    const { trace: _, ...shared } = config
    const failures = new Int32Array(new SharedArrayBuffer(4))
    const limit = Number.isFinite(maxFailures) ? maxFailures : 2 ** 31 - 1
    await Promise.all(
      Array.from({ length: Math.min(workers, count) }, (_, w) => {
        const mine = seeds.filter((_, i) => i % workers === w)
        return new Promise<void>((resolve, reject) => {
          const worker = new Worker(new URL('./sim-worker.ts', import.meta.url), {
            workerData: { ...shared, seeds: mine, maxFailures: limit, failures }
          })
          worker.on('message', take)
          worker.on('error', reject)
          worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`simulation worker exited with code ${code}`))))
        })
      })
    )
  }
  return reports.sort((a, b) => a.config.seed - b.config.seed)
}
