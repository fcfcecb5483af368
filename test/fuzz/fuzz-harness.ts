/**
 * Runs one fuzz target: first every saved regression, then fresh inputs from
 * fast-check (a number of them, or for a time). Each input must end in
 * success or in one of the named errors the target allows, which must be
 * error classes core exports; must take under 100 ms of its thread's CPU
 * (and under 1 s of the clock: no input may make a target wait); and the
 * heap must not grow across the run. CPU, not the clock, for the 100 ms:
 * in CI the fuzz shares two cores with the simulation's workers and another
 * file, and an input of ~40 ms alone took 90–99 ms by the clock on every
 * try, while its CPU time stays its own. A failing input is shrunk, saved
 * as a regression and reported with fast-check's seed and path. A target may hold a resource for
 * its run (a daemon): `open` takes it before the heap is measured, `close`
 * checks what must still hold after the run and frees it.
 */
import v8 from 'node:v8'
import vm from 'node:vm'
import * as core from '@causette/core'
import fc from 'fast-check'
import { loadRegressions, saveRegression } from './regressions.ts'

export interface FuzzTarget<T> {
  /** Also the folder of its regressions. */
  name: string
  /** What is fuzzed, for summaries. */
  decoder: string
  /** Names of the errors that say "this input is invalid". */
  allowed: readonly string[]
  arbitrary: fc.Arbitrary<T>
  /**
   * Decodes one input; throws an allowed error to reject it, or anything else
   * (an assertion) when it misbehaves. May return a word saying what became
   * of an input it did not reject, for the summary.
   */
  run(input: T): string | undefined | Promise<string | undefined> | void | Promise<void>
  /** Called once before the first input (and before the heap is measured). */
  open?(): Promise<void>
  /** Called once after the last input; throws if what must hold after the run does not. */
  close?(): Promise<void>
  /**
   * The time the last input took where it counts (a server's handling of a
   * request, without the client around it); undefined: the whole run.
   */
  lastTookMs?(): number | undefined
  /** What else to say about the run, for summaries. */
  summary?(): string
}

export interface FuzzOutcome {
  target: string
  decoder: string
  inputs: number
  regressions: number
  /** Inputs decoded without error. */
  accepted: number
  /** What became of the inputs: an error name, or the word the target returned ('accepted' by default). */
  outcomes: Map<string, number>
  /** The most CPU an input took (of the fuzzing thread), and the most time by the clock. */
  slowestMs: number
  slowestWallMs: number
  heapGrowthMb: number
  failure?: string
  /** The target's own summary. */
  notes?: string
}

/** CPU time of the fuzzing thread an input may take. */
export const INPUT_CPU_LIMIT_MS = 100
/** Time by the clock an input may take: ten times its CPU's, so only a wait (a timer, a stall) reaches it. */
export const INPUT_WAIT_LIMIT_MS = 1000
const REPORT_LENGTH = 4000
/** Heap a target may keep after all its inputs, once garbage is collected. */
export const HEAP_GROWTH_LIMIT_MB = 32

/** Every error class core exports: the only errors a decoder may throw. */
const CORE_ERRORS: Array<abstract new (...args: never[]) => Error> = Object.values(core as Record<string, unknown>).filter(
  (v): v is abstract new (...args: never[]) => Error => typeof v === 'function' && v.prototype instanceof Error
)

v8.setFlagsFromString('--expose-gc')
const collectGarbage = vm.runInNewContext('gc') as () => void

class FuzzFailure extends Error {
  static override name = 'FuzzFailure'
  override name = 'FuzzFailure'
}

export async function fuzzTarget<T>(target: FuzzTarget<T>, budget: { runs?: number; seconds?: number; seed?: number }): Promise<FuzzOutcome> {
  const outcome: FuzzOutcome = {
    target: target.name,
    decoder: target.decoder,
    inputs: 0,
    regressions: 0,
    accepted: 0,
    outcomes: new Map(),
    slowestMs: 0,
    slowestWallMs: 0,
    heapGrowthMb: 0
  }
  await target.open?.()
  try {
    await fuzzInputs(target, budget, outcome)
  } finally {
    outcome.notes = target.summary?.()
    try {
      await target.close?.()
    } catch (err) {
      outcome.failure ??= `after the run: ${(err as Error).message}`
    }
  }
  return outcome
}

async function fuzzInputs<T>(target: FuzzTarget<T>, budget: { runs?: number; seconds?: number; seed?: number }, outcome: FuzzOutcome): Promise<void> {
  collectGarbage()
  const heapBefore = process.memoryUsage().heapUsed
  for (const regression of loadRegressions(target.name)) {
    outcome.regressions++
    try {
      await check(target, regression.input as T, outcome)
    } catch (err) {
      outcome.failure = `regression ${regression.file} fails again: ${(err as Error).message}`
      return
    }
  }
  const details = await fc.check(
    fc.asyncProperty(target.arbitrary, (input) => check(target, input, outcome)),
    {
      numRuns: budget.runs ?? Number.MAX_SAFE_INTEGER,
      ...(budget.seed === undefined ? {} : { seed: budget.seed }),
      ...(budget.seconds === undefined ? {} : { plugins: [fc.interruptAfterTimeLimit(budget.seconds * 1000)] })
    }
  )
  if (details.failed) {
    const input = (details.counterexample as [T] | null)?.[0]
    const file = input === undefined ? 'nothing (no counterexample)' : saveRegression(target.name, input, details.errorInstance?.toString() ?? '')
    // a counterexample can be megabytes: the report shows its start, the file holds all of it
    const report = fc.defaultReportMessage(details)
    // fast-check's report leaves out what failed: it comes first
    const why = details.errorInstance instanceof Error ? `${details.errorInstance.message}\n` : ''
    outcome.failure = `${why}${report.length > REPORT_LENGTH ? `${report.slice(0, REPORT_LENGTH)}… (${report.length} characters)` : report}\nsaved as a regression: ${file}`
  }
  collectGarbage()
  outcome.heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20
  if (outcome.failure === undefined && outcome.heapGrowthMb > HEAP_GROWTH_LIMIT_MB) {
    outcome.failure = `the heap grew by ${outcome.heapGrowthMb.toFixed(1)} MB over ${outcome.inputs} inputs`
  }
}

async function check<T>(target: FuzzTarget<T>, input: T, outcome: FuzzOutcome): Promise<void> {
  outcome.inputs++
  const first = await timed(target, input)
  const { error, label } = first
  let { cpu, wall } = first
  if (tooSlow(cpu, wall)) {
    // a pause of the collector or the machine is not the input's fault: it must be slow every time
    for (let i = 0; i < 2 && tooSlow(cpu, wall); i++) {
      const again = await timed(target, input)
      cpu = Math.min(cpu, again.cpu)
      wall = Math.min(wall, again.wall)
    }
    if (cpu > INPUT_CPU_LIMIT_MS) throw new FuzzFailure(`${target.name}: one input took ${cpu.toFixed(0)} ms of CPU (limit ${INPUT_CPU_LIMIT_MS} ms)`)
    if (wall > INPUT_WAIT_LIMIT_MS)
      throw new FuzzFailure(`${target.name}: one input took ${wall.toFixed(0)} ms (limit ${INPUT_WAIT_LIMIT_MS} ms by the clock)`)
  }
  outcome.slowestMs = Math.max(outcome.slowestMs, cpu)
  outcome.slowestWallMs = Math.max(outcome.slowestWallMs, wall)
  if (error === undefined) {
    outcome.accepted++
    outcome.outcomes.set(label, (outcome.outcomes.get(label) ?? 0) + 1)
    return
  }
  const named = CORE_ERRORS.some((E) => error instanceof E) && target.allowed.includes(error.name)
  if (!named) throw new FuzzFailure(`${target.name}: threw ${error.name}: ${error.message}\n${error.stack ?? ''}`)
  outcome.outcomes.set(error.name, (outcome.outcomes.get(error.name) ?? 0) + 1)
}

async function attempt<T>(target: FuzzTarget<T>, input: T): Promise<{ error?: Error; label: string }> {
  try {
    return { label: (await target.run(input)) ?? 'accepted' }
  } catch (err) {
    return { error: err instanceof Error ? err : new FuzzFailure(`threw a non-error: ${String(err)}`), label: '' }
  }
}

export function describeOutcome(o: FuzzOutcome): string {
  const n = (x: number) => x.toLocaleString('en-US')
  const outcomes = [...o.outcomes].sort((a, b) => b[1] - a[1]).map(([name, count]) => `${name} ${n(count)}`)
  return (
    `fuzz ${o.target} (${o.decoder}): ${n(o.inputs)} inputs (${n(o.regressions)} saved regressions): ` +
    `${outcomes.join(', ')}; slowest ${o.slowestMs.toFixed(1)} ms of CPU (${o.slowestWallMs.toFixed(1)} ms by the clock), heap ${o.heapGrowthMb >= 0 ? '+' : ''}${o.heapGrowthMb.toFixed(1)} MB; ` +
    `found: ${o.failure === undefined ? 'nothing' : 'a failure'}${o.notes === undefined ? '' : `; ${o.notes}`}`
  )
}

function tooSlow(cpu: number, wall: number): boolean {
  return cpu > INPUT_CPU_LIMIT_MS || wall > INPUT_WAIT_LIMIT_MS
}

/** Runs one input; its time by the clock (or the target's own measure, lastTookMs) and its thread's CPU time, in ms. */
async function timed<T>(target: FuzzTarget<T>, input: T): Promise<Awaited<ReturnType<typeof attempt>> & { cpu: number; wall: number }> {
  const started = performance.now()
  const cpuBefore = process.threadCpuUsage()
  const result = await attempt(target, input)
  const used = process.threadCpuUsage(cpuBefore)
  const wall = target.lastTookMs?.() ?? performance.now() - started
  return { ...result, cpu: (used.user + used.system) / 1000, wall }
}
