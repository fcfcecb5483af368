/**
 * When one connection to a peer replaces another, what was using the old
 * one moves to the new one.
 *
 * - DCUtR opens a direct connection, then closes the relayed one it
 *   replaces. gossipsub keeps one outbound stream per peer and makes a new
 *   one only when told of a connection (a topology's onConnect, which
 *   libp2p calls after each identify), and what it publishes while it has
 *   none is dropped ("no open stream"): a join written in that moment
 *   reached the inviter only by the next anti-entropy sync, a minute later,
 *   and until then she could not grant the joiner the key to her messages.
 * - A peer comes back (a tab reopened, a daemon restarted) while its old
 *   connection is still open here, dead: a closed tab's WebRTC connection
 *   is not always told, and stays until WebRTC gives up on it (about 30 s).
 *   gossipsub keeps its outbound stream on the dead connection, so this
 *   peer's subscriptions never reach the one that came back, which then
 *   publishes to no one; and new streams (a file's pieces) are opened on it
 *   and fail. So when a peer connects while older connections to it are
 *   open, each older one is probed at once (connection-probe.ts) and
 *   closed if it does not answer within PROBE_TIMEOUT_MS.
 *
 * Whenever a connection to a peer closes and another stays open, a second
 * later this peer identifies again over the one left (gossipsub attaches
 * to it if it has not) and syncs each group it shares with the peer (what
 * gossip lost in the swap comes now); and identifies once more after five
 * seconds, in case gossipsub dropped the peer when the old connection's
 * streams ended.
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
import { answers } from './connection-probe.ts'

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
/** How long an older connection to a peer that connected again has to answer a probe (libp2p's own ping allows 5 s at least). */
export const PROBE_TIMEOUT_MS = 5_000

export class ConnectionHandover implements Startable {
  private readonly components: ConnectionHandoverComponents
  private readonly log: Logger
  private readonly timers = new Set<ReturnType<typeof setTimeout>>()
  /** Connections being probed, by id: each once at a time. */
  private readonly probing = new Set<string>()

  constructor(components: ConnectionHandoverComponents) {
    this.components = components
    this.log = components.logger.forComponent('causette:connection-handover')
    this.onClose = this.onClose.bind(this)
    this.onOpen = this.onOpen.bind(this)
  }

  readonly [Symbol.toStringTag] = 'causette:connection-handover'
  readonly [serviceDependencies] = ['@libp2p/identify', '@causette/groups', '@causette/sync']

  start(): void {
    this.components.events.addEventListener('connection:close', this.onClose)
    this.components.events.addEventListener('connection:open', this.onOpen)
  }

  stop(): void {
    this.components.events.removeEventListener('connection:close', this.onClose)
    this.components.events.removeEventListener('connection:open', this.onOpen)
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
  }

  /** A peer connected while older connections to it are open: those that no longer answer are closed. */
  private onOpen(evt: CustomEvent<Connection>): void {
    const opened = evt.detail
    for (const older of this.components.connectionManager.getConnections(opened.remotePeer)) {
      if (older.id === opened.id || older.status !== 'open' || this.probing.has(older.id)) continue
      this.probing.add(older.id)
      void answers(older, PROBE_TIMEOUT_MS)
        .then((alive) => {
          if (alive || older.status !== 'open') return
          this.log('closing %a to %p: it did not answer since the peer connected again', older.remoteAddr, older.remotePeer)
          older.abort(new Error('the peer connected again and this connection no longer answers'))
        })
        .finally(() => this.probing.delete(older.id))
    }
  }

  /** A connection closed while another to the same peer is open: DCUtR's upgrade, or a dead one replaced. */
  private onClose(evt: CustomEvent<Connection>): void {
    const closed = evt.detail
    if (this.remaining(closed) === undefined) return
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

  /** Another open connection to the same peer: a direct one if there is one. */
  private remaining(closed: Connection): Connection | undefined {
    const open = this.components.connectionManager.getConnections(closed.remotePeer).filter((c) => c.id !== closed.id && c.status === 'open')
    return open.find((c) => !relayed(c)) ?? open[0]
  }
}

function relayed(connection: Connection): boolean {
  return connection.limits !== undefined || /\/p2p-circuit(\/p2p\/[^/]+)?$/.test(connection.remoteAddr.toString())
}

export function connectionHandover(): (components: ConnectionHandoverComponents) => ConnectionHandover {
  return (components) => new ConnectionHandover(components)
}
