import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { crashSoak } from './crash-soak.ts'

/** npm test runs a short soak; `npm run soak -- --rounds 50` the long one. */
const ROUNDS = 6

describe('crash soak', () => {
  it(`keeps every confirmed message and converges after ${ROUNDS} random kill -9s of a daemon taking and writing messages`, {
    timeout: 300_000
  }, async (t) => {
    const report = await crashSoak(ROUNDS, undefined, (line) => t.diagnostic(line))
    console.log(
      `crash soak: ${report.rounds} kills (seed ${report.seed}), ${report.killsMidWrite} mid-write; ${report.aliceConfirmed} + ${report.bobConfirmed} confirmed messages, ${report.converged} held by both at the end`
    )
    assert.ok(report.converged >= report.aliceConfirmed + report.bobConfirmed)
  })
})
