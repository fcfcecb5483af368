/** `npm run soak -- [--rounds 50] [--seed S]`: the crash soak at full length, printing each round. */
import { parseArgs } from 'node:util'
import { crashSoak } from './crash-soak.ts'

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '50' }, seed: { type: 'string' } } })
const started = performance.now()
const report = await crashSoak(Number(values.rounds), values.seed === undefined ? undefined : Number(values.seed), (line) => console.log(line))
console.log(
  `crash soak: ${report.rounds} kills (seed ${report.seed}) in ${((performance.now() - started) / 1000).toFixed(0)} s, ${report.killsMidWrite} mid-write; ` +
    `${report.aliceConfirmed} + ${report.bobConfirmed} confirmed messages, all held by both (${report.converged} in all); replay: npm run soak -- --rounds ${report.rounds} --seed ${report.seed}`
)
