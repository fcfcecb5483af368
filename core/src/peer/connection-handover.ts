/**
 * When a relayed connection to a peer closes and a direct one stays open,
 * what was using the relayed one moves to the direct one. The case is
 * DCUtR's: it opens a direct connection, then closes the relayed one it
 * replaces. gossipsub keeps one outbound stream per peer and makes a new
 * one only when told of a connection (a topology's onConnect, which libp2p
 * calls after each identify), and what it publishes while it has none is
 * dropped ("no open stream"): a join written in that moment reached the
 * inviter only by the next anti-entropy sync, a minute later, and until
 * then she could not grant the joiner the key to her messages. So, a
 * second after the swap, the daemon identifies again over the direct
 * connection (gossipsub attaches to it if it has not) and syncs each group
 * it shares with the peer (what gossip lost in the swap comes now); and
 * identifies once more after five seconds, in case gossipsub dropped the
 * peer when the relayed connection's streams ended.
 */

import {
  type ComponentLogger,
  type Connection,
  type Libp2pEvents,
  type Logger,
  type Startable,
  serviceDependencies,
  type TypedEventTarget
} from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'
import { peerIdFromString } from '@libp2p/peer-id'
import { toHex } from '../codec/hex.ts'

export interface ConnectionHandoverComponents {
  events: TypedEventTarget<Libp2pEvents>
  connectionManager: ConnectionManager
  identify: { identify: (connection: Connection, options?: { signal?: AbortSignal }) => Promise<unknown> }
  /** Core's services: the open groups and their members, and the sync scheduler. */
  groups: { all: () => ReadonlyArray<{ idHex: string; membership: () => { memberKeys: () => Iterable<string> } | undefined }> }
  groupSync: { request: (groupId: string, peer: string) => void }
  logger: ComponentLogger
}

/** How long the identify over the remaining connection may take. */
const IDENTIFY_TIMEOUT_MS = 10_000
/** When to identify again after a connection closed. */
const AFTER_MS = [1_000, 5_000]

export class ConnectionHandover implements Startable {
  private readonly components: ConnectionHandoverComponents
  private readonly log: Logger
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()

  constructor(components: ConnectionHandoverComponents) {
    this.components = components
    this.log = components.logger.forComponent('causette:connection-handover')
    this.onClose = this.onClose.bind(this)
  }

  readonly [Symbol.toStringTag] = 'causette:connection-handover'
  readonly [serviceDependencies] = ['@libp2p/identify', '@causette/groups', '@causette/sync']

  start(): void {
    this.components.events.addEventListener('connection:close', this.onClose)
  }

  stop(): void {
    this.components.events.removeEventListener('connection:close', this.onClose)
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
  }

  /** A relayed connection closed while a direct one is open: what DCUtR does once it has upgraded. */
  private onClose(evt: CustomEvent<Connection>): void {
    const closed = evt.detail
    if (!relayed(closed) || this.remaining(closed) === undefined) return
    for (const ms of AFTER_MS) {
      const timer = setTimeout(() => {
        this.timers.delete(timer)
        this.identifyAgain(closed)
        if (ms === AFTER_MS[0]) this.syncShared(closed.remotePeer.toString())
      }, ms)
      this.timers.add(timer)
    }
  }

  private identifyAgain(closed: Connection): void {
    const left = this.remaining(closed)
    if (left === undefined) return
    this.components.identify.identify(left, { signal: AbortSignal.timeout(IDENTIFY_TIMEOUT_MS) }).catch((err: unknown) => {
      this.log('could not identify %p again over %a - %e', left.remotePeer, left.remoteAddr, err)
    })
  }

  private syncShared(peer: string): void {
    const raw = peerIdFromString(peer).publicKey?.raw
    if (raw === undefined) return
    const key = toHex(raw)
    for (const group of this.components.groups.all()) {
      if ([...(group.membership()?.memberKeys() ?? [])].includes(key)) this.components.groupSync.request(group.idHex, peer)
    }
  }

  /** An open direct connection to the same peer. */
  private remaining(closed: Connection): Connection | undefined {
    return this.components.connectionManager.getConnections(closed.remotePeer).find((c) => c.id !== closed.id && c.status === 'open' && !relayed(c))
  }
}

function relayed(connection: Connection): boolean {
  return connection.limits !== undefined || /\/p2p-circuit(\/p2p\/[^/]+)?$/.test(connection.remoteAddr.toString())
}

export function connectionHandover(): (components: ConnectionHandoverComponents) => ConnectionHandover {
  return (components) => new ConnectionHandover(components)
}
