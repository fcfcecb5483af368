/** How `causette status` and `causette members` say who of a group is online and who cannot be reached. */
import type { LinkView } from '../api/api-types.ts'
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
