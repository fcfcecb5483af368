/** A connection gater that also refuses blocked members' devices, both ways, around the runtime's own gater. */
import type { ConnectionGater, PeerId } from '@libp2p/interface'

export function blockingGater(base: ConnectionGater, isBlocked: (peer: PeerId) => boolean): ConnectionGater {
  return {
    ...base,
    denyDialPeer: async (peer) => isBlocked(peer) || ((await base.denyDialPeer?.(peer)) ?? false),
    denyInboundEncryptedConnection: async (peer, connection) =>
      isBlocked(peer) || ((await base.denyInboundEncryptedConnection?.(peer, connection)) ?? false)
  }
}
