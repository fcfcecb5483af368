/** The events a CausettePeer and its services emit: what the UIs (web, CLI tail) build on. */

import type { FileRef } from '../chat/operations.ts'
import type { EntrySource, Equivocation, LogEntry } from '../log/group-log.ts'
import type { SignalEvents } from '../signals/group-signals.ts'
import type { MemberLink } from './member-links.ts'

export interface EntriesEvent {
  groupId: string
  entries: LogEntry[]
  source: EntrySource
}

export interface SyncEvent {
  groupId: string
  peer: string
}

export interface SyncProgressEvent extends SyncEvent {
  received: number
  expected: number
  sent: number
}

export interface SyncFinishedEvent extends SyncEvent {
  /** Entries this side gained. */
  added: number
  /** Entries this side sent. */
  sent: number
  /** Ranges messages exchanged (both directions). */
  rounds: number
  bytesIn: number
  bytesOut: number
  durationMs: number
}

export interface SyncFailedEvent extends SyncEvent {
  error: Error
}

export interface RejectedEvent {
  groupId: string
  peer: string
  error: Error
}

/** What the groups service tells of its logs (groups.ts). */
export interface LogEvents {
  /** Entries were added to a group's log; read the group's view for the new state. */
  entries: CustomEvent<EntriesEvent>
  equivocation: CustomEvent<{ groupId: string; equivocation: Equivocation }>
  /** Disappearing messages of a group reached their deadline and were erased (hex ids): read the view again. */
  erased: CustomEvent<{ groupId: string; ids: string[]; files: FileRef[] }>
}

/** What the sync service tells of its sessions (group-sync.ts). */
export interface SyncEvents {
  'sync:started': CustomEvent<SyncEvent>
  'sync:progress': CustomEvent<SyncProgressEvent>
  'sync:finished': CustomEvent<SyncFinishedEvent>
  'sync:failed': CustomEvent<SyncFailedEvent>
}

/** What the gossip service tells of group topics (group-gossip.ts). */
export interface GossipEvents {
  /** A member's peer joined or left the group's topic. */
  'group:peer-joined': CustomEvent<SyncEvent>
  'group:peer-left': CustomEvent<SyncEvent>
  /** A peer sent an entry that failed validation. */
  rejected: CustomEvent<RejectedEvent>
}

/** The events a CausettePeer emits, gathered from its services: what the UIs (web, CLI tail) build on. */
export interface CausettePeerEvents extends LogEvents, SyncEvents, GossipEvents, SignalEvents {}

/** How one group is doing on the network. */
export interface GroupStatus {
  groupId: string
  /** Connected peers subscribed to the group. */
  connectedMembers: string[]
  entries: number
  /** Entries waiting for missing parents. */
  pending: number
  /** When a sync of this group last completed (ms), if ever. */
  lastSync?: number
  /** Connected members whose latest sync with us completed: both logs were equal when it ended. */
  upToDateWith: number
  syncing: boolean
  /** Each other current member: connected or not, since when, and when it is redialled (member-links.ts). */
  links: MemberLink[]
}
