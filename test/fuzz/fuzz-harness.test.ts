/**
 * The fuzz harness's own limit on an input's cost: more than 100 ms of the
 * fuzzing thread's CPU fails the input (it is shrunk and saved, and the
 * report says how long it took), while time spent waiting — the machine
 * busy with other processes, as in CI — does not count, up to 1 s by the
 * clock. The regression the first test saves is deleted afterwards.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { fuzzTarget, INPUT_CPU_LIMIT_MS } from './fuzz-harness.ts'
import { forgetRegressions } from './regressions.ts'

/** Keeps this thread's CPU busy for `ms`. */
function burn(ms: number): void {
  const before = process.threadCpuUsage()
  let spent = 0
  for (let i = 0; i < 1e9 && spent < ms * 1000; i++) {
    const used = process.threadCpuUsage(before)
    spent = used.user + used.system
  }
}

describe('the fuzz harness', () => {
  it(`fails an input that takes more than ${INPUT_CPU_LIMIT_MS} ms of CPU, saying how long it took`, async () => {
    const name = `harness-check-${process.pid}`
    try {
      const outcome = await fuzzTarget(
        {
          name,
          decoder: 'a decoder that is slow on one input',
          allowed: [],
          arbitrary: fc.nat({ max: 3 }),
          run: (n) => {
            if (n === 3) burn(INPUT_CPU_LIMIT_MS * 1.5)
          }
        },
        { runs: 40, seed: 7 }
      )
      assert.match(outcome.failure ?? '', new RegExp(`one input took \\d+ ms of CPU \\(limit ${INPUT_CPU_LIMIT_MS} ms\\)`))
    } finally {
      forgetRegressions(name)
    }
  })

  it('does not count time an input waits (the machine busy elsewhere), up to 1 s by the clock', async () => {
    const outcome = await fuzzTarget(
      {
        name: `harness-wait-${process.pid}`,
        decoder: 'a decoder that waits',
        allowed: [],
        arbitrary: fc.constant(0),
        run: () => new Promise<void>((resolve) => setTimeout(resolve, INPUT_CPU_LIMIT_MS * 1.5))
      },
      { runs: 3, seed: 7 }
    )
    assert.equal(outcome.failure, undefined)
    assert.ok(outcome.slowestWallMs >= INPUT_CPU_LIMIT_MS * 1.5 - 5, `waited ${outcome.slowestWallMs} ms`)
    assert.ok(outcome.slowestMs < INPUT_CPU_LIMIT_MS, `CPU ${outcome.slowestMs} ms`)
  })
})
