/**
 * Keeps this peer's slots on the relays it was configured with, a libp2p
 * service. js-libp2p's circuit relay transport reserves a slot on a
 * configured relay once, when it starts listening; when the connection to
 * the relay closes (the relay restarted, the network dropped) it drops the
 * reservation and its relayed addresses, and never makes them again
 * (a known js-libp2p bug; test/relay/through-relay.test.ts shows it and
 * holds this to the fix). This service notices the relay's connection
 * closing, and checks every so often anyway, and asks the transport's
 * reservation store for a slot again — with a growing pause between tries —
 * which reconnects, reserves, and brings the relayed addresses back.
 *
 * It also makes the first reservation on a relay that could not be reached
 * when the node started (the runtime lets libp2p's start go on without it):
 * it listens on that relay's circuit address in the background, and again
 * after a failure.
 *
 * ```ts fragment
 * import { relayReservations } from '@causette/core'
 * declare const relays: string[]
 * const services = { relayReservations: relayReservations({ relays }) }
 * ```
 */
import type { ComponentLogger, Libp2pEvents, Logger, PeerId, Startable, Transport } from '@libp2p/interface'
import type { ConnectionManager, TransportManager } from '@libp2p/interface-internal'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { TypedEventTarget } from 'main-event'

/** Pauses before each try after a loss, the last repeated. */
const RETRY_MS = [1_000, 2_000, 5_000, 10_000, 30_000]
/** How often every relay's slot is checked, whatever happened. */
const CHECK_EVERY_MS = 30_000

export interface RelayReservationsInit {
  /** The relays' addresses, each with /p2p/<relay id>. */
  relays: string[]
  retryMs?: number[]
  checkEveryMs?: number
}

export interface RelayReservationsComponents {
  transportManager: TransportManager
  connectionManager: ConnectionManager
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
}

/** What the circuit relay transport keeps of reservations (not in its public types). */
interface ReservationStore {
  hasReservation(peer: PeerId): boolean
  addRelay(peer: PeerId, type: 'configured'): Promise<unknown>
}

class RelayReservations implements Startable {
  readonly [Symbol.toStringTag] = '@causette/relay-reservations'
  private readonly components: RelayReservationsComponents
  private readonly relays: Array<{
    address: string
    peer: PeerId
    tries: number
    timer?: ReturnType<typeof setTimeout>
    busy: boolean
    /** A circuit listener for this relay exists (its first reservation was made): later ones refresh through it. */
    listening: boolean
  }>
  private readonly retryMs: number[]
  private readonly checkEveryMs: number
  private readonly log: Logger
  private check?: ReturnType<typeof setInterval>
  private running = false

  constructor(components: RelayReservationsComponents, init: RelayReservationsInit) {
    this.components = components
    this.log = components.logger.forComponent('causette:relay-reservations')
    this.retryMs = init.retryMs ?? RETRY_MS
    this.checkEveryMs = init.checkEveryMs ?? CHECK_EVERY_MS
    this.relays = init.relays.map((address) => {
      const id = /\/p2p\/([^/]+)$/.exec(address)?.[1]
      if (id === undefined) throw new Error(`a relay address must end with /p2p/<relay id>: ${address}`)
      return { address, peer: peerIdFromString(id), tries: 0, busy: false, listening: false }
    })
  }

  start(): void {
    this.running = true
    this.components.events.addEventListener('connection:close', this.onClose)
    if (this.relays.length > 0) {
      this.check = setInterval(() => {
        for (const relay of this.relays) this.ensure(relay)
      }, this.checkEveryMs)
      ;(this.check as { unref?: () => void }).unref?.()
    }
  }

  /** Once the node runs: a relay its start listened on holds a slot; one it could not reach is listened on in the background. */
  afterStart(): void {
    const store = this.store()
    for (const relay of this.relays) {
      relay.listening = store?.hasReservation(relay.peer) === true
      this.ensure(relay)
    }
  }

  stop(): void {
    this.running = false
    this.components.events.removeEventListener('connection:close', this.onClose)
    clearInterval(this.check)
    for (const relay of this.relays) clearTimeout(relay.timer)
  }

  private readonly onClose = (evt: CustomEvent<{ remotePeer: PeerId }>): void => {
    const relay = this.relays.find((r) => r.peer.equals(evt.detail.remotePeer))
    if (relay === undefined || relay.timer !== undefined) return
    relay.timer = setTimeout(() => this.ensure(relay), this.pause(relay))
  }

  /** Reserves again on this relay unless this peer holds a slot there. */
  private ensure(relay: (typeof this.relays)[number]): void {
    clearTimeout(relay.timer)
    relay.timer = undefined
    const store = this.store()
    if (!this.running || relay.busy || store === undefined || (relay.listening && store.hasReservation(relay.peer))) return
    relay.busy = true
    this.reserve(relay, store)
      .then(() => {
        relay.tries = 0
        this.log('reserved again on %p', relay.peer)
      })
      .catch((err: unknown) => {
        relay.tries++
        this.log('could not reserve on %p (try %d): %s', relay.peer, relay.tries, (err as Error).message)
        if (this.running) relay.timer = setTimeout(() => this.ensure(relay), this.pause(relay))
      })
      .finally(() => {
        relay.busy = false
      })
  }

  private async reserve(relay: (typeof this.relays)[number], store: ReservationStore): Promise<void> {
    if (!relay.listening) {
      // the circuit listener connects, reserves, and advertises the relayed addresses (and follows later refreshes)
      await this.components.transportManager.listen([multiaddr(`${relay.address}/p2p-circuit`)])
      relay.listening = true
      return
    }
    // by its full address: the relay may be known by no other
    await this.components.connectionManager.openConnection(multiaddr(relay.address), { signal: AbortSignal.timeout(10_000) })
    await store.addRelay(relay.peer, 'configured')
  }

  private pause(relay: { tries: number }): number {
    return this.retryMs[Math.min(relay.tries, this.retryMs.length - 1)] as number
  }

  private store(): ReservationStore | undefined {
    const transport = this.components.transportManager
      .getTransports()
      .find((t: Transport) => t[Symbol.toStringTag] === '@libp2p/circuit-relay-v2-transport') as
      | (Transport & { reservationStore?: ReservationStore })
      | undefined
    return transport?.reservationStore
  }
}

/** The service, for a libp2p node's `services`. */
export function relayReservations(init: RelayReservationsInit): (components: RelayReservationsComponents) => Startable {
  return (components) => new RelayReservations(components, init)
}
