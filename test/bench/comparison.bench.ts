/**
 * Side by side with OrbitDB and Peerbit in the same run: each system, in a
 * fresh process of its own, does the same work (comparison-workload.ts) —
 * live latency between two peers, and catch-up of a peer that was offline —
 * and the table gets each system's figures and Causette's ratios against
 * the issue's targets. A system that fails to install or run gets rows that
 * say why; the rest of the run goes on.
 */
import { ensureInstalled } from './comparison-install.ts'
import { runSystem } from './comparison-process.ts'
import { type PeerResult, type PeerWorkload, peerWorkload } from './comparison-workload.ts'
import type { Benchmark, Metric } from './harness.ts'
import { percentile, roundMs } from './percentile.ts'

interface System {
  name: string
  script: URL
  /** The folder installed on first use; Causette's own dependencies are the product's. */
  folder?: URL
}

const SYSTEMS: System[] = [
  { name: 'Causette', script: new URL('./comparison-causette.ts', import.meta.url) },
  { name: 'OrbitDB', script: new URL('./peers/orbitdb/bench.ts', import.meta.url), folder: new URL('./peers/orbitdb/', import.meta.url) },
  { name: 'Peerbit', script: new URL('./peers/peerbit/bench.ts', import.meta.url), folder: new URL('./peers/peerbit/', import.meta.url) }
]

type Failed = { error: string }
type LiveFigures = { p50: number; p99: number; conditions: string } | Failed

/** What one system measured, reduced to the compared figures; `error` when it could not be measured. */
interface Figures {
  /** By message size. */
  live: Map<number, LiveFigures>
  catchUp: { perSecond: number; conditions: string } | Failed
}

function sizeLabel(size: number): string {
  return size >= 1000 ? `${size / 1000} KB` : `${size} B`
}

function figuresOf(result: PeerResult | Error, workload: PeerWorkload): Figures {
  const failed = (what: string): Failed => ({
    error: result instanceof Error ? result.message : (result.errors.find((e) => e.startsWith(what)) ?? `${what}: no result`)
  })
  const live = new Map<number, LiveFigures>()
  for (const size of workload.liveSizes) {
    const run = result instanceof Error ? undefined : result.live.find((l) => l.size === size)
    if (run === undefined || run.samples.length === 0) {
      live.set(size, run === undefined ? failed('live') : { error: `none of ${run.lost} messages arrived within 2 s` })
      continue
    }
    const sorted = [...run.samples].sort((a, b) => a - b)
    const timed = (result as PeerResult).timed.live
    live.set(size, {
      p50: roundMs(percentile(sorted, 50)),
      p99: roundMs(percentile(sorted, 99)),
      conditions: `${run.samples.length} messages of ${size} B one at a time${run.lost > 0 ? ` (${run.lost} lost)` : ''}, 2 peers in one process, TCP on 127.0.0.1; ${timed}`
    })
  }
  const c = result instanceof Error ? undefined : result.catchUp
  if (c === undefined || c.held === 0)
    return { live, catchUp: c === undefined ? failed('catch-up') : { error: `nothing arrived within ${Math.round(c.ms / 1000)} s` } }
  const timed = (result as PeerResult).timed.catchUp
  const outcome = c.timedOut
    ? `did not finish: ${c.held.toLocaleString('en-US')} of ${c.entries.toLocaleString('en-US')} after ${(c.ms / 1000).toFixed(0)} s, rate over what arrived`
    : `${(c.ms / 1000).toFixed(2)} s`
  return {
    live,
    catchUp: {
      perSecond: Math.round(c.held / (c.ms / 1000)),
      conditions: `${c.entries.toLocaleString('en-US')} entries of ${workload.catchUpSize} B written by A while B was offline (A wrote them in ${(c.writeMs / 1000).toFixed(1)} s), 2 peers in one process, TCP on 127.0.0.1; ${outcome}; ${timed}`
    }
  }
}

function systemMetrics(name: string, figures: Figures): Metric[] {
  const metrics: Metric[] = []
  for (const [size, live] of figures.live) {
    for (const p of ['p50', 'p99'] as const) {
      const metric = { name: `${name}: live ${p}, ${sizeLabel(size)}`, unit: 'ms' }
      metrics.push(
        'error' in live ? { ...metric, value: 0, error: live.error, conditions: '' } : { ...metric, value: live[p], conditions: live.conditions }
      )
    }
  }
  const metric = { name: `${name}: catch-up of an offline peer`, unit: 'entries/s' }
  metrics.push(
    'error' in figures.catchUp
      ? { ...metric, value: 0, error: figures.catchUp.error, conditions: '' }
      : { ...metric, value: figures.catchUp.perSecond, conditions: figures.catchUp.conditions }
  )
  return metrics
}

/** The issue's targets: catch-up ≥ 30× OrbitDB and ≥ 15× Peerbit; live faster than both. */
const CATCH_UP_TARGETS: Record<string, number> = { OrbitDB: 30, Peerbit: 15 }

function ratioMetrics(causette: Figures, other: string, figures: Figures, sizes: number[]): Metric[] {
  const metrics: Metric[] = []
  const catchUp: Metric = {
    name: `catch-up speed, Causette / ${other}`,
    value: 0,
    unit: '×',
    target: { op: '>=', value: CATCH_UP_TARGETS[other] as number },
    conditions: `entries/s of each over the same work (rows above)`
  }
  if ('error' in causette.catchUp) metrics.push({ ...catchUp, error: `Causette not measured: ${causette.catchUp.error}` })
  else if ('error' in figures.catchUp) metrics.push({ ...catchUp, error: `${other} not measured: ${figures.catchUp.error}` })
  else metrics.push({ ...catchUp, value: Math.round((causette.catchUp.perSecond / figures.catchUp.perSecond) * 10) / 10 })
  for (const size of sizes) {
    const ours = causette.live.get(size)
    const theirs = figures.live.get(size)
    const live: Metric = {
      name: `live p50 latency ${sizeLabel(size)}, Causette / ${other}`,
      value: 0,
      unit: '×',
      // below 1 means Causette delivers sooner
      target: { op: '<=', value: 1 },
      conditions: `p50 of each over the same messages (rows above)`
    }
    if (ours === undefined || 'error' in ours) metrics.push({ ...live, error: `Causette not measured: ${ours?.error ?? 'no result'}` })
    else if (theirs === undefined || 'error' in theirs) metrics.push({ ...live, error: `${other} not measured: ${theirs?.error ?? 'no result'}` })
    else metrics.push({ ...live, value: Math.round((ours.p50 / theirs.p50) * 1000) / 1000 })
  }
  return metrics
}

/** The table's rows from what each system reported (or why it could not): its own figures, then Causette's ratios. */
export function comparisonMetrics(results: Map<string, PeerResult | Error>, workload: PeerWorkload): Metric[] {
  const figures = new Map(SYSTEMS.map((s) => [s.name, figuresOf(results.get(s.name) ?? new Error('not run'), workload)]))
  const causette = figures.get('Causette') as Figures
  const metrics = SYSTEMS.flatMap((s) => systemMetrics(s.name, figures.get(s.name) as Figures))
  for (const other of ['OrbitDB', 'Peerbit']) metrics.push(...ratioMetrics(causette, other, figures.get(other) as Figures, workload.liveSizes))
  return metrics
}

export const comparisonBenchmark: Benchmark = {
  name: 'comparison',
  async run(ctx) {
    const workload = peerWorkload(ctx.quick)
    // start-up, live, writing, catch-up: each bounded inside the child; this bounds the child as a whole
    const childTimeoutMs = 4 * workload.phaseTimeoutMs + 30_000
    const results = new Map<string, PeerResult | Error>()
    for (const system of SYSTEMS) {
      try {
        if (system.folder !== undefined) await ensureInstalled(system.folder, ctx.log)
        const start = performance.now()
        const result = await runSystem(system.script, workload, childTimeoutMs, ctx.log)
        ctx.log(
          `  ${system.name} ${result.version}: ${((performance.now() - start) / 1000).toFixed(1)} s${result.errors.length > 0 ? `; ${result.errors.join('; ')}` : ''}`
        )
        results.set(system.name, result)
      } catch (err) {
        ctx.log(`  ${system.name}: ${(err as Error).message}`)
        results.set(system.name, err as Error)
      }
    }
    return comparisonMetrics(results, workload)
  }
}
