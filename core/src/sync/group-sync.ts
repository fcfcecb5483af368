/**
 * GroupSync: when this peer reconciles which group with whom — the sync
 * protocol's handler, the scheduler (one session per group and peer, a
 * bound on sessions at once, retries), the cascade to other members after a
 * sync that brought entries, and the anti-entropy safety net.
 */
import type { GroupLog } from '../log/group-log.ts'
import type { GroupPresence } from '../peer/group-presence.ts'
import type { GroupRegistry } from '../peer/group-registry.ts'
import type { SyncFinishedEvent } from '../peer/peer-events.ts'
import { AntiEntropy } from './anti-entropy.ts'
import { SyncCascade } from './sync-cascade.ts'
import { SyncRunner, type SyncRunnerInit } from './sync-runner.ts'
import { type SyncScheduler, syncScheduler } from './sync-scheduler.ts'
import { SYNC_PROTOCOL } from './sync-stream.ts'

const ANTI_ENTROPY_MS = 30_000
const MAX_INBOUND_SYNC_STREAMS = 32

export interface GroupSyncInit extends Pick<SyncRunnerInit, 'libp2p' | 'events' | 'signal' | 'now' | 'idleTimeoutMs'> {
  presence: GroupPresence
  registry: GroupRegistry
  /** How often each group is reconciled with one connected member (ms); 0 turns it off. */
  antiEntropyMs?: number
}

export class GroupSync {
  private readonly init: GroupSyncInit
  private readonly runner: SyncRunner
  private readonly scheduler: SyncScheduler
  private readonly cascade = new SyncCascade()
  private readonly antiEntropy: AntiEntropy

  constructor(init: GroupSyncInit) {
    this.init = init
    const { presence, registry } = init
    this.scheduler = syncScheduler((groupId, peer) => this.sync(registry.get(groupId), peer).then(() => undefined))
    this.antiEntropy = new AntiEntropy(presence, (groupId, peer) => this.request(groupId, peer), init.now)
    this.runner = new SyncRunner({
      ...init,
      findByTag: (tag) => registry.bySyncTag(tag),
      afterSync: (group, peer, added) => {
        for (const other of this.cascade.next(group, peer, added, presence.connected(group.idHex))) this.request(group.idHex, other)
      }
    })
  }

  async start(): Promise<void> {
    await this.init.libp2p.handle(SYNC_PROTOCOL, (stream, connection) => this.runner.answer(stream, connection.remotePeer), {
      maxInboundStreams: MAX_INBOUND_SYNC_STREAMS
    })
    this.antiEntropy.start(this.init.antiEntropyMs ?? ANTI_ENTROPY_MS)
  }

  async stop(): Promise<void> {
    this.antiEntropy.stop()
    await this.scheduler.stop()
  }

  /** Asks for a sync of the group with the peer soon (coalesced with one already asked for or running). */
  request(groupId: string, peer: string): void {
    this.scheduler.request(groupId, peer)
  }

  running(groupId: string): boolean {
    return this.scheduler.running(groupId)
  }

  /** Reconciles one group with one peer now. */
  sync(group: GroupLog, peer: string, signal?: AbortSignal): Promise<SyncFinishedEvent> {
    return this.runner.initiate(group, peer, signal)
  }
}
