/**
 * How the daemon reports whether it can be reached from the internet: one
 * verdict from what its relays found (reachability-check.ts). One relay
 * that dialled it back is enough to say reachable; otherwise a relay that
 * could not, or having no public address at all, says not reachable
 * directly; anything else is not known yet.
 */
import type { ReachabilityReason, ReachabilityView } from '../api/api-types.ts'
import { ReachabilityCheck, type RelayVerdict } from './reachability-check.ts'

const STATE: Record<ReachabilityReason, ReachabilityView['state']> = {
  'dial-back': 'reachable',
  'dial-back-failed': 'unreachable',
  'no-public-address': 'unreachable',
  'no-relay': 'unknown',
  'not-checked-yet': 'unknown',
  'relay-cannot-check': 'unknown',
  'relay-did-not-answer': 'unknown'
}

/** `findings` newest first; `relayed`, the daemon's own relayed addresses. */
export function reachabilityView(findings: readonly RelayVerdict[] | undefined, relayed: string[]): ReachabilityView {
  if (findings === undefined) return { state: 'unknown', reason: 'no-relay', addresses: [], relayed }
  const best = findings.find((f) => STATE[f.reason] === 'reachable') ?? findings.find((f) => STATE[f.reason] === 'unreachable') ?? findings[0]
  if (best === undefined) return { state: 'unknown', reason: 'not-checked-yet', addresses: [], relayed }
  return { state: STATE[best.reason], reason: best.reason, addresses: best.addresses, checkedBy: best.relay, checkedAt: best.at, relayed }
}

/** The daemon's reachability check among its libp2p services, if it has relays to ask. */
export function reachabilityCheckOf(services: object): ReachabilityCheck | undefined {
  const service = (services as Record<string, unknown>).reachabilityCheck
  return service instanceof ReachabilityCheck ? service : undefined
}
