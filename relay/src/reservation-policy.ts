/**
 * Who may hold a reservation on the relay, beyond its total (the circuit
 * relay server's maxReservations): at most `perIp` peers connecting from
 * one IP address, so that one machine cannot take every slot. Checked
 * through the connection gater's reservation hook, which the server asks
 * before each reservation; a peer renewing its reservation is let through.
 * With `members`, only devices a kept group's admin listed (the mailbox's
 * members) may reserve at all: a relay for its own community. What was
 * refused is counted for /metrics.
 */
import type { Connection, PeerId } from '@libp2p/interface'

export interface ReservationPolicyInit {
  perIp: number
  /** The peers holding a reservation now, with the address they reserved from. */
  reservations: () => Iterable<[PeerId, { addr: { toString(): string } }]>
  /** The connections of a peer, to learn its address. */
  connections: (peer: PeerId) => Connection[]
  /** When set, whether a device may reserve at all (members-only relays). */
  members?: (device: Uint8Array) => boolean
}

export class ReservationPolicy {
  /** Reservations refused by reason. */
  readonly refused = { perIp: 0, notMember: 0 }
  private readonly init: ReservationPolicyInit

  constructor(init: ReservationPolicyInit) {
    this.init = init
  }

  /** The gater hook: true to refuse. */
  denyReservation(peer: PeerId): boolean {
    const device = peer.publicKey?.raw
    if (this.init.members !== undefined && (device === undefined || !this.init.members(device))) {
      this.refused.notMember++
      return true
    }
    const ip = this.ipOf(peer)
    if (ip === undefined) return false
    let held = 0
    for (const [holder, reservation] of this.init.reservations()) {
      if (holder.equals(peer)) return false
      if (ipOfAddress(reservation.addr.toString()) === ip) held++
    }
    if (held < this.init.perIp) return false
    this.refused.perIp++
    return true
  }

  private ipOf(peer: PeerId): string | undefined {
    for (const connection of this.init.connections(peer)) {
      const ip = ipOfAddress(connection.remoteAddr.toString())
      if (ip !== undefined) return ip
    }
    return undefined
  }
}

/** The IP address a multiaddr starts with, if it does. */
export function ipOfAddress(address: string): string | undefined {
  return /^\/ip[46]\/([^/]+)/.exec(address)?.[1]
}
