import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { comparisonMetrics } from './comparison.bench.ts'
import { type PeerResult, peerWorkload } from './comparison-workload.ts'
import { meets } from './harness.ts'

const workload = peerWorkload(true)

function reported(system: string, latencyMs: number, catchUpMs: number): PeerResult {
  return {
    system,
    version: '1.0.0',
    timed: { live: 'write to arrival', catchUp: 'dial to holding all' },
    live: workload.liveSizes.map((size) => ({ size, samples: [latencyMs, latencyMs, latencyMs * 3], lost: 0 })),
    catchUp: { entries: workload.catchUpEntries, held: workload.catchUpEntries, ms: catchUpMs, writeMs: 1, timedOut: false },
    errors: []
  }
}

function row(metrics: ReturnType<typeof comparisonMetrics>, name: string) {
  const metric = metrics.find((m) => m.name === name)
  assert.ok(metric, `a row named ${name}`)
  return metric
}

describe('side-by-side comparison', () => {
  it("gives each system's figures and Causette's ratios against the issue's targets", () => {
    const metrics = comparisonMetrics(
      new Map([
        ['Causette', reported('Causette', 2, 100)],
        ['OrbitDB', reported('OrbitDB', 10, 4000)],
        ['Peerbit', reported('Peerbit', 5, 1000)]
      ]),
      workload
    )
    assert.equal(row(metrics, 'OrbitDB: catch-up of an offline peer').value, workload.catchUpEntries / 4)
    const orbit = row(metrics, 'catch-up speed, Causette / OrbitDB')
    assert.equal(orbit.value, 40)
    assert.equal(meets(orbit), true)
    const peerbit = row(metrics, 'catch-up speed, Causette / Peerbit')
    assert.equal(peerbit.value, 10)
    assert.equal(meets(peerbit), false, 'below the 15× target')
    assert.equal(row(metrics, 'live p50 latency 200 B, Causette / OrbitDB').value, 0.2)
  })

  it('says why a system could not be measured, and still compares the others', () => {
    const metrics = comparisonMetrics(
      new Map<string, PeerResult | Error>([
        ['Causette', reported('Causette', 2, 100)],
        ['OrbitDB', new Error('not installed: the npm registry is unreachable (ECONNREFUSED)')],
        ['Peerbit', reported('Peerbit', 5, 1000)]
      ]),
      workload
    )
    const failed = row(metrics, 'catch-up speed, Causette / OrbitDB')
    assert.match(failed.error ?? '', /registry is unreachable/)
    assert.equal(meets(failed), false)
    assert.match(row(metrics, 'OrbitDB: live p50, 200 B').error ?? '', /registry is unreachable/)
    assert.equal(row(metrics, 'catch-up speed, Causette / Peerbit').error, undefined)
  })
})
