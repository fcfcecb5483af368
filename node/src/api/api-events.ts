/**
 * What the control API's event stream (GET /v1/events) carries, one JSON
 * object per event named by `type`, and how an error travels in one: types
 * only, shared by the daemon that emits them and the CLI that reads them.
 * docs/control-api.md lists the events.
 */
import type { AuthorView, GroupRef, MessageView } from './api-types.ts'

export interface ErrorView {
  name: string
  message: string
}

/** What the event stream (GET /v1/events) carries: one JSON object per event, named by `type`. */
export type DaemonEvent =
  | { type: 'key:generated'; peerId: string }
  /** The store was made by an earlier version and is brought up to date before anything else; `copying`: its tables are copied, which takes a while on a large one. */
  | { type: 'store:upgrading'; from: number; to: number; copying: boolean }
  /** Online and answering the API; groups open next. */
  | { type: 'ready'; peerId: string; addresses: string[]; api: string; home: string; name?: string; webApp?: string }
  | { type: 'groups:opening'; total: number }
  | { type: 'group:opening'; groupId: string; name: string; index: number; total: number; entries: number }
  | { type: 'group:opened'; groupId: string; name: string; entries: number; messages: number; reindexed: boolean; durationMs: number }
  | { type: 'groups:opened'; total: number; durationMs: number }
  | { type: 'group:open-failed'; groupId: string; name: string; error: ErrorView }
  | { type: 'group:created'; group: GroupRef }
  | { type: 'group:joined'; group: GroupRef }
  /** A join by invite began: the group is open and the invite's addresses are being dialled. */
  | { type: 'join:started'; groupId: string; name: string; addresses: number; timeoutMs: number }
  | { type: 'join:progress'; groupId: string; stage: 'reached'; peer: string }
  | { type: 'join:progress'; groupId: string; stage: 'receiving'; peer: string; received: number; expected: number }
  /** The invite's record arrived: the join entry is written next. */
  | { type: 'join:progress'; groupId: string; stage: 'invite-found' }
  /** Members, roles or group keys changed. */
  | { type: 'group:membership'; groupId: string }
  | { type: 'profile:published'; groupId: string; name: string }
  | {
      type: 'message'
      groupId: string
      message: MessageView
      author: AuthorView
      /** Everyone the message names (author, deleter, pinner, mentions, voters), by device key. */
      authors: Record<string, AuthorView>
      isNew: boolean
      source: string
    }
  | { type: 'entries'; groupId: string; count: number; source: string }
  /** Disappearing messages reached their deadline and were erased here (hex entry ids): readers drop them. */
  | { type: 'messages:erased'; groupId: string; ids: string[] }
  /** The group's view was rebuilt (a removal hid entries, or the block list changed): re-read its history rather than patch it. */
  | { type: 'group:rebuilt'; groupId: string; messages: number }
  | { type: 'sync:started'; groupId: string; peer: string }
  | { type: 'sync:progress'; groupId: string; peer: string; received: number; expected: number; sent: number }
  | {
      type: 'sync:finished'
      groupId: string
      peer: string
      added: number
      sent: number
      rounds: number
      bytesIn: number
      bytesOut: number
      durationMs: number
    }
  | { type: 'sync:failed'; groupId: string; peer: string; error: ErrorView }
  /** A sync with a relay's mailbox (docs/relay.md): under way, done (the relay holds all this device has), or not. */
  | { type: 'mailbox:progress'; groupId: string; relay: string; received: number; expected: number; sent: number }
  | { type: 'mailbox:synced'; groupId: string; relay: string; upToDate: boolean }
  | { type: 'mailbox:failed'; groupId: string; relay: string; state: string; reason: string }
  /**
   * A file this device sent, handed to a relay that keeps the group (docs/files.md, "Through a relay"): kept, to be
   * tried again once the relay is back (`waiting`), refused by it and tried again at `nextAt`, or given up.
   */
  | {
      type: 'file:handover'
      groupId: string
      message: string
      relay: string
      outcome: 'kept' | 'waiting' | 'refused' | 'given-up'
      tries: number
      pieces?: number
      reason?: string
      nextAt?: number
    }
  | { type: 'typing'; groupId: string; author: AuthorView; typing: boolean }
  | { type: 'presence'; groupId: string; author: AuthorView; presence: 'online' | 'away' | 'offline'; lastSeen?: number }
  | { type: 'group:peer-joined'; groupId: string; peer: string }
  | { type: 'group:peer-left'; groupId: string; peer: string }
  | { type: 'rejected'; groupId: string; peer: string; error: ErrorView }
  | { type: 'equivocation'; groupId: string; author: string; seq: number }
  /** A bundle being imported (POST /v1/bundles): its entries checked, then added, of the total. */
  | { type: 'bundle:progress'; groupId: string; stage: 'checking' | 'adding'; done: number; total: number }
  /** Said once at start: whether desktop notifications can be shown, and what shows them or why not. */
  | { type: 'notifications'; available: boolean; reason: string }
  | { type: 'stopping' }
