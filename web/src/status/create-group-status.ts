/**
 * How a group is doing on the network, in words, always on screen:
 * "up to date with 3 members", "catching up with 1 member",
 * "offline — messages will be sent when a member is reachable", and where
 * community relays keep it, "kept by 1 relay".
 */
import type { CausettePeer, GroupStatus } from '@causette/core'
import type { Accessor } from 'solid-js'
import { createPeerSignal } from '../app/peer-signal.ts'

export interface GroupStatusWords {
  /** online: connected to a member; offline: to none. */
  state: 'online' | 'offline'
  text: string
}

function members(n: number): string {
  return n === 1 ? '1 member' : `${n} members`
}

export function statusWords(status: GroupStatus, kept: number, relays: number): GroupStatusWords {
  const connected = status.connectedMembers.length
  const keptText = relays === 0 ? '' : kept > 0 ? `; kept by ${kept === 1 ? '1 relay' : `${kept} relays`}` : '; not kept by a relay yet'
  if (connected === 0) {
    const others = status.links.length
    const text = others === 0 ? 'no other member yet — invite someone' : 'offline — messages will be sent when a member is reachable'
    return { state: 'offline', text: `${text}${keptText}` }
  }
  if (status.syncing || status.upToDateWith < connected) return { state: 'online', text: `catching up with ${members(connected)}${keptText}` }
  return { state: 'online', text: `up to date with ${members(connected)}${keptText}` }
}

export function createGroupStatus(peer: CausettePeer, groupId: string): Accessor<GroupStatusWords> {
  const read = (): GroupStatusWords => {
    if (!peer.hasGroup(groupId)) return { state: 'offline', text: 'opening…' }
    const mailboxes = peer.mailboxes
    const states = mailboxes?.status(groupId) ?? []
    return statusWords(peer.status(groupId), states.filter((s) => s.state === 'kept').length, mailboxes?.relays.length ?? 0)
  }
  const [words] = createPeerSignal<GroupStatusWords>(
    peer,
    read,
    { state: 'offline', text: 'opening…' },
    {
      events: ['sync:finished', 'sync:started', 'group:peer-joined', 'group:peer-left', 'entries'],
      everyMs: 2000,
      groupId
    }
  )
  return words
}
