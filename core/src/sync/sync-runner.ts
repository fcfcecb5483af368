/**
 * Running sync sessions for a peer, both ways: opening the stream when this
 * peer starts one, answering when another does, and reporting each as
 * events (started, progress, finished or failed).
 */
import type { PeerId, Stream } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'
import { peerIdFromString } from '@libp2p/peer-id'
import type { GroupLog } from '../log/group-log.ts'
import { removedFrom } from '../peer/invite-flow.ts'
import type { SyncEvents, SyncFinishedEvent } from '../peer/peer-events.ts'
import type { GroupPresence } from './group-presence.ts'
import { SyncSession } from './sync-session.ts'
import { runSyncSession, SYNC_PROTOCOL, type SyncTraffic } from './sync-stream.ts'

export interface SyncRunnerInit {
  localPeer: PeerId
  connectionManager: Pick<ConnectionManager, 'openStream'>
  /** Reports a session's start, progress and end. */
  emit: (type: keyof SyncEvents, detail: unknown) => void
  presence: GroupPresence
  findByTag: (tag: Uint8Array) => GroupLog | undefined
  /** Called after each completed session with the entries it added here. */
  afterSync: (group: GroupLog, peer: string, added: number) => void
  /** The running peer's signal: aborted when it stops. */
  signal: () => AbortSignal
  now: () => number
  idleTimeoutMs?: number
}

export class SyncRunner {
  private readonly init: SyncRunnerInit

  constructor(init: SyncRunnerInit) {
    this.init = init
  }

  async initiate(group: GroupLog, peer: string, signal?: AbortSignal): Promise<SyncFinishedEvent> {
    const groupId = group.idHex
    const abort = signal === undefined ? this.init.signal() : AbortSignal.any([signal, this.init.signal()])
    const startedAt = performance.now()
    this.emit('sync:started', { groupId, peer })
    try {
      // over a relayed connection too, when it is the only one (libp2p prefers an unlimited one when there is)
      const stream = await this.init.connectionManager.openStream(peerIdFromString(peer), SYNC_PROTOCOL, {
        signal: abort,
        runOnLimitedConnection: true
      })
      const session = new SyncSession({
        role: 'initiator',
        localPeer: this.init.localPeer.toString(),
        remotePeer: peer,
        log: group,
        onProgress: (p) => this.emit('sync:progress', { groupId, peer, ...p })
      })
      const traffic = await runSyncSession(stream, session, { signal: abort, ...this.idle() })
      return this.finished(group, peer, session, traffic, startedAt)
    } catch (err) {
      this.emit('sync:failed', { groupId, peer, error: err as Error })
      throw err
    }
  }

  async answer(stream: Stream, remote: PeerId): Promise<void> {
    const peer = remote.toString()
    const startedAt = performance.now()
    const session = new SyncSession({
      role: 'responder',
      localPeer: this.init.localPeer.toString(),
      remotePeer: peer,
      findGroup: (tag) => {
        const group = this.init.findByTag(tag)
        // a removed member keeps the secret, but gets nothing more from us
        return group !== undefined && removedFrom(group, remote) ? undefined : group
      },
      onProgress: (p) => {
        const groupId = session.group?.idHex
        if (groupId !== undefined) this.emit('sync:progress', { groupId, peer, ...p })
      }
    })
    try {
      const traffic = await runSyncSession(stream, session, { signal: this.init.signal(), ...this.idle() })
      if (session.group !== undefined) this.finished(session.group, peer, session, traffic, startedAt)
    } catch (err) {
      if (session.group !== undefined) this.emit('sync:failed', { groupId: session.group.idHex, peer, error: err as Error })
    }
  }

  private finished(group: GroupLog, peer: string, session: SyncSession, traffic: SyncTraffic, startedAt: number): SyncFinishedEvent {
    this.init.presence.synced(group.idHex, peer, this.init.now())
    const detail: SyncFinishedEvent = {
      groupId: group.idHex,
      peer,
      added: session.added,
      sent: session.progress.sent,
      rounds: session.rounds,
      bytesIn: traffic.bytesIn,
      bytesOut: traffic.bytesOut,
      durationMs: performance.now() - startedAt
    }
    this.emit('sync:finished', detail)
    this.init.afterSync(group, peer, session.added)
    return detail
  }

  private emit(type: keyof SyncEvents, detail: unknown): void {
    this.init.emit(type, detail)
  }

  private idle() {
    return this.init.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: this.init.idleTimeoutMs }
  }
}
