/**
 * `window.causette` in the page: a read-only look at this tab's peer (its
 * id, its connections and what carries them), for a person helping with a
 * problem from the browser's console, and for the browser tests, which
 * assert from it that two tabs ended up on a direct WebRTC connection, and
 * say after a failed step what each tab's log and view held.
 */
import type { CausettePeer } from '@causette/core'

export interface ConnectionView {
  peer: string
  address: string
  /** Relayed under a relay's limits. */
  limited: boolean
  direct: 'webrtc' | 'websockets' | 'relayed' | 'other'
}

export interface Diagnostics {
  peerId: string
  connections: () => ConnectionView[]
  /** Each open group: its id, name and how many entries its log holds. */
  groups: () => Array<{ id: string; name: string; entries: number }>
  /** The texts of a group's newest messages as its view reads them (what the chat should show). */
  latest: (groupId: string, count?: number) => Promise<string[]>
}

function kindOf(address: string, limited: boolean): ConnectionView['direct'] {
  if (address.includes('/webrtc')) return 'webrtc'
  if (limited || address.includes('/p2p-circuit')) return 'relayed'
  return address.includes('/ws') ? 'websockets' : 'other'
}

export function exposeDiagnostics(peer: CausettePeer): void {
  const diagnostics: Diagnostics = {
    peerId: peer.peerId,
    connections: () =>
      peer.libp2p.getConnections().map((c) => {
        const address = c.remoteAddr.toString()
        const limited = c.limits !== undefined
        return { peer: c.remotePeer.toString(), address, limited, direct: kindOf(address, limited) }
      }),
    groups: () => peer.groups().map((log) => ({ id: log.idHex, name: log.view.metadata().name, entries: log.size })),
    latest: async (groupId, count = 5) =>
      peer.hasGroup(groupId) ? (await peer.group(groupId).view.messages({ limit: count })).messages.map((m) => m.text) : []
  }
  ;(window as unknown as { causette: Diagnostics }).causette = diagnostics
}
