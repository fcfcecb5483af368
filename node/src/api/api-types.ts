/**
 * The shapes the control API answers with (the events it streams are in api-events.ts, the answers about members in member-types.ts, about messages in message-types.ts): one
 * definition for the daemon that writes them and the CLI that reads them
 * (types only, so the CLI loads none of the daemon). docs/control-api.md documents
 * each endpoint.
 */
import type { MailboxState, MemberLink, NotifyLevel } from '@causette/core'

export type { Role } from '@causette/core'

export interface ApiErrorBody {
  error: { name: string; message: string }
}

export interface GroupRef {
  id: string
  name: string
}

/** Which messages of a group notify: every one, mentions of this person and replies to them, or none (core's notification rules). */
export type { NotifyLevel } from '@causette/core'

export interface Mute {
  /** Muted until then (ms since the epoch); absent: until unmuted. */
  until?: number
}

/** How a group is doing with its members right now. */
export type SyncState = 'loading' | 'waiting for history' | 'no members online' | 'syncing' | 'up to date' | 'sync pending'

export interface GroupSummary extends GroupRef {
  /** 'loading' while the daemon opens its log after a start. */
  state: 'loading' | 'open'
  entries: number
  messages: number
  /** Members whose peers are connected and subscribed to the group. */
  connectedMembers: number
  addedAt: number
  /** Messages others wrote since this device last read the group or wrote in it (daemon/unread.ts; at most 1,000 counted), and how many of them mention it. */
  unread: number
  unreadMentions: number
  /** Muted on this device (notifies nothing; unread still counts): until when, or until unmuted when `until` is absent. */
  muted?: Mute
  /** Which of its messages notify the desktop (daemon/device-preferences.ts). */
  notify: NotifyLevel
}

export interface GroupStatusView extends GroupSummary {
  sync: SyncState
  /** Entries waiting for missing parents. */
  pending: number
  syncing: boolean
  upToDateWith: number
  lastSync?: number
  /** Peer ids of the connected members. */
  members: string[]
  /** The other current members: how many, how many are connected now, and each one's link. */
  otherMembers: number
  online: number
  links: LinkView[]
  /** The relays' mailboxes (one per `--relay`): whether each keeps the group and holds all this device has. */
  mailboxes: MailboxState[]
}

/** Another current member of a group, as this daemon reaches it: core's member link, with who it is. */
export interface LinkView extends PersonView, MemberLink {}

export interface StatusResponse {
  peerId: string
  /** This device's key (hex) and its fingerprint. */
  key: string
  fingerprint: string
  name?: string
  home: string
  addresses: string[]
  api: string
  startedAt: number
  uptimeMs: number
  connections: number
  rssBytes: number
  /** False while groups are still being opened after the start. */
  groupsOpened: boolean
  /** Whether others can reach this daemon directly, as its relays found by dialling it back. */
  reachability: ReachabilityView
  groups: GroupStatusView[]
}

/**
 * How this daemon's reachability is known: `dial-back`, a relay reached it
 * (reachable); `dial-back-failed`, a relay could not, and `no-public-address`,
 * it has none (not reachable directly); otherwise not known: `no-relay`,
 * `not-checked-yet`, `relay-cannot-check` (the relay runs no AutoNAT v2
 * server), `relay-did-not-answer`.
 */
export type ReachabilityReason =
  | 'dial-back'
  | 'dial-back-failed'
  | 'no-public-address'
  | 'no-relay'
  | 'not-checked-yet'
  | 'relay-cannot-check'
  | 'relay-did-not-answer'

export interface ReachabilityView {
  state: 'reachable' | 'unreachable' | 'unknown'
  reason: ReachabilityReason
  /** reachable: the addresses a relay dialled back; after a failed dial-back: those it could not reach. */
  addresses: string[]
  /** The relay (peer id) whose check this is, and when it answered (ms). */
  checkedBy?: string
  checkedAt?: number
  /** This daemon's relayed addresses: how others reach it when they cannot directly. */
  relayed: string[]
}

export interface GroupsResponse {
  groups: GroupSummary[]
}

export interface AuthorView {
  fingerprint: string
  /** The display name the author gave in the group. */
  name?: string
  /** Someone else in the group goes by the same name: the fingerprint tells them apart. */
  nameShared?: boolean
  /** This device. */
  you: boolean
}

/** A member named in an answer: who they are, not what they did. */
export interface PersonView extends AuthorView {
  /** Device key, hex. */
  key: string
}

export type * from './member-types.ts'
export type * from './message-types.ts'

export interface PeerView {
  peer: string
  /** Remote addresses of the open connections. */
  addresses: string[]
  transports: string[]
  direction: 'inbound' | 'outbound'
  /** Through a relay with limits (gossip does not run over it). */
  limited: boolean
  /** Ids of the groups the peer shares with this daemon. */
  groups: string[]
}

export interface PeersResponse {
  peers: PeerView[]
}

export interface InviteResponse {
  group: GroupRef
  /** The invite's id (hex of its token, the hash of what the link carries): what `causette invites` lists and `--revoke` takes. */
  id: string
  link: string
  expires?: number
  singleUse: boolean
  /** Addresses the link carries. */
  addresses: string[]
}

/** An invite the group's log records (by any member), as `causette invites` lists it. */
export interface InviteView {
  id: string
  /** Who made it. */
  by: PersonView
  /** When it was made (its maker's clock). */
  made: number
  expires?: number
  singleUse: boolean
  /** Someone joined with it (for a single-use invite: it is spent). */
  used: boolean
  /** The admin who revoked it: later joins with it have no effect. */
  revokedBy?: PersonView
  /** 'usable', or why a join with it would not hold now. */
  state: 'usable' | 'expired' | 'used' | 'revoked' | 'maker gone'
}

export interface InvitesResponse {
  group: GroupRef
  /** Oldest first. */
  invites: InviteView[]
}

export interface RevokeInviteResponse {
  group: GroupRef
  invite: InviteView
  /** False if it was revoked already. */
  changed: boolean
}

export interface RekeyResponse {
  group: GroupRef
  /** Id of the new epoch (hex): what is written from now on uses its key. */
  epoch: string
}

export interface JoinResponse {
  group: GroupRef
  alreadyMember: boolean
  /** Addresses of the invite that answered. */
  reached: number
}

export interface ReadResponse {
  group: GroupRef
  /** The message the group is now read up to; absent when nothing was unread (nothing written). */
  upTo?: string
  /** Whether a read marker others see was written; false when this device sends no read receipts (the position stays on it). */
  receipt: boolean
}

/** PUT or DELETE /v1/groups/{group}/mute. */
export interface MuteResponse {
  group: GroupRef
  muted?: Mute
}

/** PUT /v1/groups/{group}/notify. */
export interface NotifyResponse {
  group: GroupRef
  notify: NotifyLevel
}

/** GET or PUT /v1/receipts. */
export interface ReceiptsSetting {
  /** This device writes read markers, so others see how far it has read, and it sees theirs. */
  sending: boolean
}

export interface ProfileResponse {
  name?: string
  key: string
  fingerprint: string
  peerId: string
}

export interface ProfileChangeResponse extends ProfileResponse {
  /** Groups the new name was written to now. */
  published: GroupRef[]
  /** Groups it will be written to once this device is a member there (its join or the group's history has not arrived yet). */
  pending: GroupRef[]
}

/** What importing a group bundle did (POST /v1/bundles). */
export interface ImportResponse {
  group: GroupRef
  /** Entries the bundle holds. */
  entries: number
  /** Entries new to this device, now in the group. */
  added: number
  /** Entries this device held already. */
  duplicates: number
  /** Entries waiting for earlier ones the bundle lacks: they join the group when sync (or another bundle) brings those, and are dropped if the daemon stops first. */
  pending: number
  /** Entries the group's rules refused, as they would a peer's (an author who is not a member, ...). */
  rejected: number
  /** The first few reasons for those refusals. */
  reasons: string[]
}

export type { DaemonEvent, ErrorView } from './api-events.ts'
