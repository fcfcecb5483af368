/**
 * A group's members as the members panel shows them: name, role, whether
 * a device of theirs is connected now, and whether this person verified
 * their safety number.
 */
import type { CausettePeer, Role } from '@causette/core'
import { fromHex } from '@causette/core'
import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import type { Accessor } from 'solid-js'
import { createPeerSignal } from '../app/peer-signal.ts'
import type { DeviceIdentity } from '../peer/device-identity.ts'

export interface MemberView {
  key: string
  name: string
  role: Role
  me: boolean
  /** What the member's signals say, or 'online' while a device of theirs is connected to this tab. */
  presence: 'online' | 'away' | 'offline'
  lastSeen?: number
  verified: boolean
}

const peerIds = new Map<string, string>()

function peerIdOf(key: string): string {
  let id = peerIds.get(key)
  if (id === undefined) {
    id = peerIdFromPublicKey(publicKeyFromRaw(fromHex(key))).toString()
    peerIds.set(key, id)
  }
  return id
}

export function createMembers(peer: CausettePeer, identity: DeviceIdentity, groupId: string, me: string): [Accessor<MemberView[]>, () => void] {
  const read = async (): Promise<MemberView[]> => {
    if (!peer.hasGroup(groupId)) return []
    const log = peer.group(groupId)
    const connected = new Set(peer.status(groupId).connectedMembers)
    const verified = await identity.verified()
    const names = log.view.displayNames()
    const roleOrder: Record<Role, number> = { admin: 0, moderator: 1, member: 2 }
    const presenceOf = (key: string): Pick<MemberView, 'presence' | 'lastSeen'> => {
      if (key === me) return { presence: peer.signals.sharing ? 'online' : 'offline' }
      const said = peer.signals.presence(groupId, key)
      if (said.state === 'away') return { presence: 'away' }
      if (said.state === 'online' || connected.has(peerIdOf(key))) return { presence: 'online' }
      return { presence: 'offline', ...(said.lastSeen === undefined ? {} : { lastSeen: said.lastSeen }) }
    }
    return log
      .members()
      .map((m) => ({
        key: m.key,
        name: names.get(m.key) ?? (m.displayName || `Member ${m.key.slice(0, 6)}`),
        role: m.role,
        me: m.key === me,
        ...presenceOf(m.key),
        verified: verified.has(m.key)
      }))
      .sort((a, b) => Number(b.me) - Number(a.me) || roleOrder[a.role] - roleOrder[b.role] || a.name.localeCompare(b.name))
  }
  return createPeerSignal(peer, read, [], { events: ['entries', 'group:peer-joined', 'group:peer-left', 'signal:presence'], everyMs: 3000, groupId })
}
