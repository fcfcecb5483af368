import assert from 'node:assert/strict'
import { availableParallelism } from 'node:os'
import { describe, it } from 'node:test'
import { runSeeds } from './seed-runner.ts'
import { addReport, describeFailure, emptyTotals, type SimTotals, summaryLine } from './sim-summary.ts'
import { runSimulation, type SignatureScheme } from './simulation.ts'

const PEERS = 5
const OPERATIONS = 300
const WORKERS = Math.min(2, availableParallelism())

async function simulate(first: number, count: number, signatures: SignatureScheme, label: string): Promise<SimTotals> {
  const totals = emptyTotals()
  const started = performance.now()
  await runSeeds({ first, count, peers: PEERS, ops: OPERATIONS, signatures, workers: WORKERS, maxFailures: 3, onReport: (r) => addReport(totals, r) })
  console.log(summaryLine(label, { peers: PEERS, ops: OPERATIONS, signatures }, totals, (performance.now() - started) / 1000))
  assert.equal(totals.failures.length, 0, `\n${totals.failures.map(describeFailure).join('\n')}`)
  assert.equal(totals.seeds, count)
  return totals
}

describe('deterministic simulation: real GroupLog and SyncSession over a faulty simulated network', () => {
  it(`converges on ${OPERATIONS}-operation runs of 500 seeds × ${PEERS} peers with keyed-hash signatures (a fast stand-in for Ed25519): same log, heads and view everywhere, no acknowledged write missing, disappearing messages erased everywhere, one membership, removed members and revoked devices locked out, a holder of the secret alone reads no message`, async () => {
    const totals = await simulate(1, 500, 'keyed-hash', 'simulation, keyed-hash signatures')
    // the runs did meet every kind of fault, or convergence would prove little
    assert.ok(totals.dropped > 0 && totals.duplicated > 0 && totals.streamsBroken > 0, 'messages were dropped and duplicated, streams broken')
    assert.ok(totals.partitions >= 500 && totals.restarts >= 500, `partitions (${totals.partitions}) and restarts (${totals.restarts}) happened`)
    // disappearing messages past their deadline, erased on every holder with the DAG whole (erasure-check.ts)
    assert.ok(totals.erased >= 1000, `disappearing messages erased (${totals.erased})`)
    // and membership changed under them: joins by invite, removals, roles, rekeys, refused and forged writes
    const m = totals.membership
    assert.ok(
      m.joins >= 250 && m.removals >= 250 && m.roleChanges >= 250 && m.rekeys + m.autoRekeys >= 500,
      `membership changed: ${JSON.stringify(m)}`
    )
    assert.ok(
      m.refused > 0 && m.forged > 0 && m.leaves > 0 && totals.syncsRefused > 0,
      `departed members and non-admins were refused: ${JSON.stringify(m)}`
    )
    // people linked devices of theirs and revoked some: the checks above held with them (no key reached a revoked device)
    assert.ok(m.links >= 100 && m.revocations >= 50, `devices were linked and revoked: ${JSON.stringify(m)}`)
  })

  it(`converges on 25 seeds × ${PEERS} peers × ${OPERATIONS} operations with real Ed25519 signatures (nodeSignatures)`, async () => {
    await simulate(100_001, 25, 'ed25519', 'simulation, Ed25519 signatures')
  })

  it('replays a seed exactly: the same seed gives the same schedule and the same log, entry for entry', async () => {
    const config = { seed: 4242, peers: PEERS, ops: OPERATIONS, signatures: 'keyed-hash' as const }
    const first = await runSimulation(config)
    const again = await runSimulation(config)
    assert.deepEqual(first.problems, [])
    assert.equal(again.events, first.events)
    assert.equal(again.digest, first.digest)
    assert.notEqual((await runSimulation({ ...config, seed: 4243 })).digest, first.digest, 'another seed makes another history')
  })
})
