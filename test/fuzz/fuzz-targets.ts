/** Every fuzz target, built on one corpus, with the inputs `npm test` gives each (≥ 100,000 in all). */
import { apiTarget } from './api-target.ts'
import { blobFrameTarget } from './blob-frame-target.ts'
import { buildCorpus } from './corpus.ts'
import { entryTarget, frameTarget, inviteTarget, operationTarget } from './decoder-targets.ts'
import type { FuzzTarget } from './fuzz-harness.ts'
import { logTarget } from './log-target.ts'
import { reconcilerTarget, sessionTarget } from './sync-targets.ts'

export interface BudgetedTarget {
  target: FuzzTarget<never>
  /** Inputs per `npm test` run. */
  runs: number
}

export async function fuzzTargets(): Promise<BudgetedTarget[]> {
  const corpus = await buildCorpus()
  const targets: Array<[FuzzTarget<never>, number]> = [
    [entryTarget(corpus) as FuzzTarget<never>, 40_000],
    [operationTarget(corpus) as FuzzTarget<never>, 20_000],
    [frameTarget(corpus) as FuzzTarget<never>, 20_000],
    [blobFrameTarget() as FuzzTarget<never>, 8_000],
    [inviteTarget(corpus) as FuzzTarget<never>, 15_000],
    [(await reconcilerTarget(corpus)) as FuzzTarget<never>, 10_000],
    [(await sessionTarget(corpus)) as FuzzTarget<never>, 3_000],
    [logTarget(corpus) as FuzzTarget<never>, 3_000],
    [apiTarget() as FuzzTarget<never>, 8_000]
  ]
  return targets.map(([target, runs]) => ({ target, runs }))
}
