/**
 * `npm run fuzz -- --seconds N [--target name] [--seed S]`: fuzzes every
 * target (or one) for N seconds each, after replaying its saved regressions.
 * A failing input is shrunk, saved under test/fuzz/regressions/<target>/ and
 * printed with fast-check's seed and path.
 */
import { parseArgs } from 'node:util'
import { describeOutcome, fuzzTarget } from './fuzz-harness.ts'
import { fuzzTargets } from './fuzz-targets.ts'

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, target: { type: 'string' }, seed: { type: 'string' } } })
const seconds = Number(values.seconds)
if (!(seconds > 0)) throw new Error('--seconds must be a positive number')
const all = await fuzzTargets()
const chosen = values.target === undefined ? all : all.filter((t) => t.target.name === values.target)
if (chosen.length === 0) throw new Error(`no target ${values.target}; targets: ${all.map((t) => t.target.name).join(', ')}`)

let failed = 0
let inputs = 0
for (const { target } of chosen) {
  const outcome = await fuzzTarget(target, { seconds, ...(values.seed === undefined ? {} : { seed: Number(values.seed) }) })
  inputs += outcome.inputs
  console.log(describeOutcome(outcome))
  if (outcome.failure !== undefined) {
    failed++
    console.log(outcome.failure)
  }
}
console.log(
  `fuzz: ${inputs.toLocaleString('en-US')} inputs over ${chosen.length} targets, ${seconds} s each; found: ${failed === 0 ? 'nothing' : `${failed} failing targets`}`
)
process.exitCode = failed > 0 ? 1 : 0
