/**
 * The sync service: when this peer reconciles which group with whom — the
 * sync protocol's handler, the scheduler (one session per group and peer, a
 * bound on sessions at once, retries), the cascade to other members after a
 * sync that brought entries, and the anti-entropy safety net. It keeps who
 * is in each group right now (the gossip service reports subscriptions) and
 * when each was last synced with: whom it reconciles with.
 *
 * ```ts
 * services: { groups: groups({ store }), groupSync: groupSync({ antiEntropyMs: 30_000 }) }
 * await node.services.groupSync.sync(node.services.groups.get(groupId), peer)
 * ```
 */
import { type PeerId, type Startable, serviceCapabilities, serviceDependencies } from '@libp2p/interface'
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal'
import { TypedEventEmitter } from 'main-event'
import type { GroupLog } from '../log/group-log.ts'
import type { Groups } from '../peer/groups.ts'
import type { SyncEvents, SyncFinishedEvent } from '../peer/peer-events.ts'
import { AntiEntropy } from './anti-entropy.ts'
import { GroupPresence } from './group-presence.ts'
import { SyncCascade } from './sync-cascade.ts'
import { SyncCoalescing } from './sync-coalescing.ts'
import { SyncRunner } from './sync-runner.ts'
import { type SyncScheduler, syncScheduler } from './sync-scheduler.ts'
import { SYNC_PROTOCOL } from './sync-stream.ts'

const ANTI_ENTROPY_MS = 30_000
const MAX_INBOUND_SYNC_STREAMS = 32

export interface GroupSyncInit {
  /** Longest wait for a peer's next frame (ms). */
  idleTimeoutMs?: number
  /** How often each group is reconciled with one connected member (ms); 0 turns it off. */
  antiEntropyMs?: number
  now?: () => number
}

export interface GroupSyncComponents {
  peerId: PeerId
  registrar: Pick<Registrar, 'handle' | 'unhandle'>
  connectionManager: Pick<ConnectionManager, 'openStream'>
  groups: Groups
}

export class GroupSync extends TypedEventEmitter<SyncEvents> implements Startable {
  readonly [Symbol.toStringTag] = '@causette/sync'
  readonly [serviceCapabilities] = ['@causette/sync']
  readonly [serviceDependencies] = ['@causette/groups']
  /** Who is in each group now, and when each was last synced with. */
  readonly presence = new GroupPresence()
  private readonly components: GroupSyncComponents
  private readonly antiEntropyMs: number
  private readonly runner: SyncRunner
  private readonly cascade = new SyncCascade()
  private readonly sessions = new SyncCoalescing<SyncFinishedEvent>()
  private readonly antiEntropy: AntiEntropy
  private scheduler: SyncScheduler
  private shutdown = new AbortController()

  constructor(components: GroupSyncComponents, init: GroupSyncInit = {}) {
    super()
    this.components = components
    this.antiEntropyMs = init.antiEntropyMs ?? ANTI_ENTROPY_MS
    const now = init.now ?? Date.now
    this.scheduler = this.newScheduler()
    this.antiEntropy = new AntiEntropy(this.presence, (groupId, peer) => this.request(groupId, peer), now)
    this.runner = new SyncRunner({
      localPeer: components.peerId,
      connectionManager: components.connectionManager,
      emit: (type, detail) => this.safeDispatchEvent(type, { detail }),
      presence: this.presence,
      findByTag: (tag) => components.groups.bySyncTag(tag),
      afterSync: (group, peer, added) => {
        for (const other of this.cascade.next(group, peer, added, this.presence.connected(group.idHex))) this.request(group.idHex, other)
      },
      signal: () => this.shutdown.signal,
      now,
      ...(init.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: init.idleTimeoutMs })
    })
  }

  async start(): Promise<void> {
    if (this.shutdown.signal.aborted) {
      this.shutdown = new AbortController()
      this.scheduler = this.newScheduler()
    }
    await this.components.registrar.handle(SYNC_PROTOCOL, (stream, connection) => this.runner.answer(stream, connection.remotePeer), {
      maxInboundStreams: MAX_INBOUND_SYNC_STREAMS,
      // a relayed connection may be the only path (create-libp2p.ts says why gossip runs on one too)
      runOnLimitedConnection: true
    })
    this.antiEntropy.start(this.antiEntropyMs)
  }

  /** Ends the sessions under way while their connections are still open. */
  async beforeStop(): Promise<void> {
    this.antiEntropy.stop()
    this.shutdown.abort(new Error('the peer is stopping'))
    await this.scheduler.stop()
  }

  stop(): void {}

  /** Once every service has stopped: unhandling earlier would announce the change to peers being disconnected. */
  async afterStop(): Promise<void> {
    await this.components.registrar.unhandle(SYNC_PROTOCOL)
  }

  /** Asks for a sync of the group with the peer soon (coalesced with one already asked for or running). */
  request(groupId: string, peer: string): void {
    this.scheduler.request(groupId, peer)
  }

  running(groupId: string): boolean {
    return this.scheduler.running(groupId)
  }

  /** Reconciles one group with one peer now, or right after the session with that peer already running (sync-coalescing.ts). */
  sync(group: GroupLog, peer: string, signal?: AbortSignal): Promise<SyncFinishedEvent> {
    return this.sessions.run(`${group.idHex}/${peer}`, () => this.runner.initiate(group, peer), signal)
  }

  private newScheduler(): SyncScheduler {
    return syncScheduler((groupId, peer) => this.sync(this.components.groups.get(groupId), peer).then(() => undefined))
  }
}

/** The sync service factory, for libp2p's `services` (beside a groups service). */
export function groupSync(init: GroupSyncInit = {}): (components: GroupSyncComponents) => GroupSync {
  return (components) => new GroupSync(components, init)
}
