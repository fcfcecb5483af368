/**
 * How the daemon reports its links to the other members of a group (core's
 * member links), with each member named as in that group.
 */
import { type MemberLink, toHex } from '@causette/core'
import { peerIdFromString } from '@libp2p/peer-id'
import type { LinkView } from '../api/api-types.ts'
import type { GroupAuthors } from './authors.ts'

export function linkViews(links: readonly MemberLink[], people: GroupAuthors): LinkView[] {
  return links.map((link) => {
    const key = keyOf(link.peer)
    return { ...link, key, ...people.view(key) }
  })
}

/** A peer id is its device's Ed25519 key. */
function keyOf(peer: string): string {
  const raw = peerIdFromString(peer).publicKey?.raw
  return raw === undefined ? '' : toHex(raw)
}
