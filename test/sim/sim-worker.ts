/** A worker thread that runs the seeds it is given, with the harness's ciphers (node-ciphers.ts), and posts one report per seed (see seed-runner.ts). */
import { parentPort, workerData } from 'node:worker_threads'
import { NODE_CIPHERS } from './node-ciphers.ts'
import { runSimulation, type SimConfig } from './simulation.ts'

interface WorkerInput extends Omit<SimConfig, 'seed' | 'trace'> {
  seeds: number[]
  maxFailures: number
  /** Failing seeds so far, across all workers. */
  failures: Int32Array
}

const { seeds, maxFailures, failures, ...config } = workerData as WorkerInput
for (const seed of seeds) {
  if (Atomics.load(failures, 0) >= maxFailures) break
  const report = await runSimulation({ ...config, seed }, NODE_CIPHERS)
  if (report.problems.length > 0) Atomics.add(failures, 0, 1)
  parentPort?.postMessage(report)
}
