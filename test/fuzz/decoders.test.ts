import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import { describeOutcome, fuzzTarget, HEAP_GROWTH_LIMIT_MB, INPUT_CPU_LIMIT_MS } from './fuzz-harness.ts'
import { type BudgetedTarget, fuzzTargets } from './fuzz-targets.ts'

const MIN_TOTAL_INPUTS = 100_000

describe(`fuzzing the decoders of untrusted input (named errors only, < ${INPUT_CPU_LIMIT_MS} ms of CPU per input, heap growth < ${HEAP_GROWTH_LIMIT_MB} MB)`, () => {
  let targets: BudgetedTarget[] = []
  let total = 0
  before(async () => {
    targets = await fuzzTargets()
  })

  const expectations: Record<string, string> = {
    entry: 'decodeEntry rejects random, mutated and grammar-built bytes with named errors only; what it accepts re-encodes to the very same bytes',
    operation: 'decodeOperation rejects malformed entry bodies with MalformedOperationError only; what it accepts survives a round trip',
    'sync-frame': 'decodeFrame rejects malformed sync frames with MalformedSyncFrameError only; what it accepts survives a round trip',
    'blob-frame':
      "the blob protocol's decoders reject malformed requests and answers with MalformedBlobError only; what they accept survives a round trip",
    invite: 'parseInvite rejects damaged, cut and forged links with invite errors only; what it accepts survives a round trip',
    reconciler: 'Reconciler.receive answers arbitrary ranges with well-ordered replies, offering only entries it holds, or MalformedSyncFrameError',
    'sync-session': 'SyncSession.receive, in every state, ends on arbitrary frames with sync errors only and lets no foreign entry into the log',
    'log-add':
      'GroupLog.add rejects entries a hostile member signed with changed fields or any body, with named errors in its result, never by throwing',
    'control-api':
      "a daemon's control API answers malformed requests (bodies, paths, types, sizes) with a 4xx and a JSON error, never a 5xx, and still sends and keeps every message"
  }

  for (const [name, spec] of Object.entries(expectations)) {
    it(spec, { timeout: 120_000 }, async () => {
      const entry = targets.find((t) => t.target.name === name)
      assert.ok(entry !== undefined, `a fuzz target named ${name}`)
      const outcome = await fuzzTarget(entry.target, { runs: entry.runs })
      total += outcome.inputs
      console.log(describeOutcome(outcome))
      assert.equal(outcome.failure, undefined, outcome.failure)
      assert.ok(outcome.outcomes.size > 1, 'inputs ended in more than one way: the fuzzing reached past the first check')
    })
  }

  it(`ran at least ${MIN_TOTAL_INPUTS.toLocaleString('en-US')} inputs in all`, () => {
    console.log(`fuzz: ${total.toLocaleString('en-US')} inputs over ${targets.length} targets; found: nothing`)
    assert.ok(total >= MIN_TOTAL_INPUTS, `${total} inputs`)
  })
})
