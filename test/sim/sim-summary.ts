/** Totals over many simulation runs, the summary line they print, and the command that replays one run. */
import { type MembershipCounts, noMembershipCounts } from './membership.ts'
import type { SimConfig, SimReport } from './simulation.ts'

export interface SimTotals {
  seeds: number
  operations: number
  entries: number
  gossipSent: number
  dropped: number
  duplicated: number
  streamsBroken: number
  partitions: number
  restarts: number
  erased: number
  syncsCompleted: number
  syncsBroken: number
  syncsRefused: number
  membership: MembershipCounts
  events: number
  failures: SimReport[]
}

export function emptyTotals(): SimTotals {
  return {
    seeds: 0,
    operations: 0,
    entries: 0,
    gossipSent: 0,
    dropped: 0,
    duplicated: 0,
    streamsBroken: 0,
    partitions: 0,
    restarts: 0,
    erased: 0,
    syncsCompleted: 0,
    syncsBroken: 0,
    syncsRefused: 0,
    membership: noMembershipCounts(),
    events: 0,
    failures: []
  }
}

export function addReport(totals: SimTotals, r: SimReport): void {
  totals.seeds++
  totals.operations += r.config.ops
  totals.entries += r.entries
  totals.gossipSent += r.gossipSent
  totals.dropped += r.dropped
  totals.duplicated += r.duplicated
  totals.streamsBroken += r.streamsBroken
  totals.partitions += r.partitions
  totals.restarts += r.restarts
  totals.erased += r.erased
  totals.syncsCompleted += r.sync.completed
  totals.syncsBroken += r.sync.broken
  totals.syncsRefused += r.sync.refused
  for (const k of Object.keys(totals.membership) as Array<keyof MembershipCounts>) totals.membership[k] += r.membership[k]
  totals.events += r.events
  if (r.problems.length > 0) totals.failures.push(r)
}

export function summaryLine(label: string, config: Pick<SimConfig, 'peers' | 'ops' | 'signatures'>, t: SimTotals, seconds: number): string {
  const n = (x: number) => x.toLocaleString('en-US')
  const m = t.membership
  return (
    `${label}: ${n(t.seeds)} seeds × ${config.peers} peers × ${config.ops} operations (${config.signatures} signatures) in ${seconds.toFixed(1)} s ` +
    `(${(t.seeds / seconds).toFixed(1)} seeds/s); ${n(t.entries)} entries, ${n(t.events)} events; faults: ` +
    `${n(t.dropped)} of ${n(t.gossipSent)} gossip messages dropped, ${n(t.duplicated)} duplicated, ${n(t.streamsBroken)} sync streams broken, ` +
    `${n(t.partitions)} partitions, ${n(t.restarts)} restarts; ${n(t.erased)} disappearing messages erased everywhere; ${n(t.syncsCompleted)} syncs completed, ${n(t.syncsBroken)} broken and retried, ` +
    `${n(t.syncsRefused)} refused to removed members; membership: ${n(m.invites)} invites, ${n(m.joins)} joins (${n(m.joinsFailed)} given up: invite used or void), ` +
    `${n(m.removals)} removals, ${n(m.roleChanges)} role changes, ${n(m.rekeys)} rekeys + ${n(m.autoRekeys)} automatic, ${n(m.leaves)} leaves, ${n(m.links)} devices linked, ${n(m.revocations)} revoked, ` +
    `${n(m.refused)} writes refused (non-admins removing or changing roles, departed members writing), ` +
    `${n(m.forged)} entries forged by removed members (${n(m.forgedRejections)} rejections); ` +
    `found: ${t.failures.length === 0 ? 'no failure' : `${t.failures.length} failing seeds`}`
  )
}

export function replayCommand(config: Pick<SimConfig, 'seed' | 'peers' | 'ops' | 'signatures'>): string {
  return `npm run sim -- --seed ${config.seed} --peers ${config.peers} --ops ${config.ops} --signatures ${config.signatures} --trace`
}

export function describeFailure(r: SimReport): string {
  return [`seed ${r.config.seed} failed: ${r.problems.slice(0, 5).join('; ')}`, `  replay: ${replayCommand(r.config)}`].join('\n')
}
