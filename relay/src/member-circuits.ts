/**
 * The limit of a relayed connection, settled as it is set up: between two
 * members of one group the mailbox keeps, none — their chat lasts as long
 * as they chat — and for everyone else the relay's limits (2 minutes or
 * 128 KiB by default), unless it runs with --unlimited-circuits. js-libp2p
 * applies the limit of the destination's reservation, read just before the
 * connection gater is asked about the pair; this sets that reservation's
 * limit for the pair at hand.
 */
import type { PeerId } from '@libp2p/interface'
import type { RelayConfig } from './relay-config.ts'
import type { RelayNode } from './relay-node.ts'

interface ReservationLimit {
  limit?: { duration?: number; data?: bigint }
}

export function settleCircuitLimit(node: RelayNode | undefined, config: RelayConfig, source: PeerId, destination: PeerId): void {
  if (node === undefined) return
  const a = source.publicKey?.raw
  const b = destination.publicKey?.raw
  const members = a !== undefined && b !== undefined && node.mailbox?.members.shareGroup(a, b) === true
  if (members) node.circuits.members++
  else node.circuits.others++
  if (config.circuit.unlimited) return
  const reservation = node.libp2p.services.relay.reservations.get(destination) as ReservationLimit | undefined
  if (reservation === undefined) return
  if (members) delete reservation.limit
  else reservation.limit = { duration: config.circuit.durationMs, data: BigInt(config.circuit.dataBytes) }
}
