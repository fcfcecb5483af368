/**
 * How `causette status` and `causette members` say who of a group is online
 * and who cannot be reached, and how `causette status` says whether others
 * can reach this daemon directly.
 */
import type { LinkView, ReachabilityReason, ReachabilityView } from '../api/api-types.ts'
import { authorLabel, count, formatTime } from './message-format.ts'

const LISTED = 3

/** "2 of 3 other members online; Carol unreachable since 2026-12-04 10:42". */
export function reachabilityLine(links: readonly LinkView[]): string {
  if (links.length === 0) return 'no other members yet'
  const online = links.filter((l) => l.connected).length
  const parts = [`${online} of ${count(links.length, 'other member')} online`]
  const unreachable = links.filter((l) => !l.connected && l.notDialled !== true).sort((a, b) => a.since - b.since)
  const named = unreachable.slice(0, LISTED).map((l) => `${authorLabel(l, l.key)} ${unreachableSince(l)}`)
  if (unreachable.length > LISTED) named.push(`${unreachable.length - LISTED} more unreachable`)
  if (named.length > 0) parts.push(named.join(', '))
  const throughOthers = links.filter((l) => !l.connected && l.notDialled === true).length
  if (throughOthers > 0) parts.push(`${throughOthers} reached through other members (large group)`)
  return parts.join('; ')
}

/** "unreachable since 10:42", and whether this device still tries. */
export function unreachableSince(link: Pick<LinkView, 'since' | 'givenUp'>): string {
  return `unreachable since ${formatTime(link.since)}${link.givenUp ? ' (no longer redialled; it is dialled again when heard of)' : ''}`
}

const NOT_KNOWN: Partial<Record<ReachabilityReason, string>> = {
  'no-relay': 'Reachability not known: no relay to check it (start the daemon with --relay <address>)',
  'not-checked-yet': 'Reachability not known yet: its relay has not checked it',
  'relay-cannot-check': 'Reachability not known: its relay does not check reachability (no AutoNAT v2 server)',
  'relay-did-not-answer': 'Reachability not known yet: its relay did not answer the check'
}

/** "Reachable from the internet at /ip4/…", "Not reachable directly (behind NAT or a firewall); …", "Reachability not known yet …". */
export function daemonReachabilityLine(view: ReachabilityView): string {
  const checked = view.checkedAt === undefined ? '' : ` at ${formatTime(view.checkedAt)}`
  if (view.state === 'reachable') return `Reachable from the internet at ${view.addresses.join(', ')} (dialled back by its relay${checked})`
  if (view.state === 'unreachable') {
    const why = view.reason === 'no-public-address' ? 'it has no public address' : `its relay could not dial ${view.addresses.join(', ')}${checked}`
    const through =
      view.relayed.length > 0
        ? `others reach this daemon through relay ${view.relayed[0]}`
        : 'and it holds no relay slot now, so only peers it dials reach it'
    return `Not reachable directly (behind NAT or a firewall: ${why}); ${through}`
  }
  return NOT_KNOWN[view.reason] ?? 'Reachability not known yet'
}
