/**
 * The shapes the control API answers with and the events it streams: one
 * definition for the daemon that writes them and the CLI that reads them
 * (types only, so the CLI loads none of the daemon). docs/control-api.md documents
 * each endpoint.
 */
import type { MailboxState, MemberLink, Role, Standing } from '@causette/core'

export type { Role } from '@causette/core'

export interface ApiErrorBody {
  error: { name: string; message: string }
}

export interface GroupRef {
  id: string
  name: string
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

export interface MessageView {
  id: string
  author: string
  time: number
  text: string
  edited: boolean
  deleted: boolean
  /** Deleted by a moderator or an admin, not its author: who (device key). */
  deletedBy?: string
  replyTo?: string
  mentions: string[]
  reactions: Array<{ emoji: string; authors: string[] }>
}

export interface HistoryResponse {
  group: GroupRef
  /** Oldest first. */
  messages: MessageView[]
  hasOlder: boolean
  /** Every author of the messages above. */
  authors: Record<string, AuthorView>
}

export interface SearchResponse {
  query: string
  /** Newest first. */
  results: Array<{ group: GroupRef; message: MessageView }>
  authors: Record<string, AuthorView>
}

export interface MemberView extends PersonView {
  role: Role
  /** This person compared the safety number with the member's owner, and the key has not changed since. */
  verified: boolean
  /** Blocked on this device: messages hidden, connections refused. */
  blocked: boolean
  messages: number
  /** Time of the member's latest entry (author's clock). */
  lastActive: number
  /** Its peer is connected to this daemon now. */
  connected: boolean
  /** Not connected: since when (lost, or not reached since the daemon started), if this daemon tries to reach it. */
  unreachableSince?: number
}

/**
 * Where this device stands in a group: 'not joined' while its join (or the
 * group's history) has not arrived; 'join void' when its join turned out not
 * to hold (the member who invited it was removed first, or the invite was
 * used or had expired), so it never was a member.
 */
export type Membership = Standing

export interface MembersResponse {
  group: GroupRef
  membership: Membership
  /** Admins first, then moderators, then members; by name within each. */
  members: MemberView[]
}

export interface RemoveResponse {
  group: GroupRef
  removed: PersonView
}

export interface RoleResponse {
  group: GroupRef
  member: PersonView
  role: Role
  /** False when the member already had that role (nothing was written). */
  changed: boolean
}

export interface LeaveResponse {
  group: GroupRef
}

export interface SafetyNumberResponse {
  group: GroupRef
  member: PersonView
  /** 60 digits in twelve groups of five, the same on both devices. */
  safetyNumber: string
  verified: boolean
}

export interface BlockResponse {
  member: PersonView
  blocked: boolean
  /** Whether this request changed anything. */
  changed: boolean
}

export interface BlockedMemberView {
  key: string
  fingerprint: string
  /** Its display name when it was blocked. */
  name?: string
  blockedAt: number
}

export interface BlockedResponse {
  blocked: BlockedMemberView[]
}

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
}

/** A group's name, topic and description, as its view shows them. */
export interface AboutResponse {
  group: GroupRef
  name: string
  topic: string
  description: string
}

/** A message after an edit, a deletion or a reaction, as the group's view now shows it. */
export interface MessageActionResponse {
  group: GroupRef
  message: MessageView
}

export interface SendResponse {
  group: GroupRef
  message: MessageView
  /** With `waitKeptMs`: each relay's mailbox once it holds the message, or when the wait ran out. */
  mailboxes?: MailboxState[]
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

export interface ErrorView {
  name: string
  message: string
}

/** What the event stream (GET /v1/events) carries: one JSON object per event, named by `type`. */
export type DaemonEvent =
  | { type: 'key:generated'; peerId: string }
  /** Online and answering the API; groups open next. */
  | { type: 'ready'; peerId: string; addresses: string[]; api: string; home: string; name?: string }
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
  | { type: 'message'; groupId: string; message: MessageView; author: AuthorView; isNew: boolean; source: string }
  | { type: 'entries'; groupId: string; count: number; source: string }
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
  | { type: 'group:peer-joined'; groupId: string; peer: string }
  | { type: 'group:peer-left'; groupId: string; peer: string }
  | { type: 'rejected'; groupId: string; peer: string; error: ErrorView }
  | { type: 'equivocation'; groupId: string; author: string; seq: number }
  | { type: 'stopping' }
