/**
 * The control API's answers about the people of a group: members with their
 * roles, standing and safety numbers, removal, roles, leaving, blocking.
 * Types only (api-types.ts gathers them). docs/control-api.md documents each.
 */
import type { Role, Standing } from '@causette/core'
import type { GroupRef, PersonView } from './api-types.ts'

export interface MemberView extends PersonView {
  role: Role
  /** This person compared the safety number with the member's owner, and the key has not changed since. */
  verified: boolean
  /** Blocked on this device: messages hidden, connections refused. */
  blocked: boolean
  messages: number
  /** Time of the member's latest entry (author's clock). */
  lastActive: number
  /** The person's devices in the group (keys, hex): one, unless they linked more (docs/devices.md). */
  devices: string[]
  /** One of its devices is connected to this daemon now. */
  connected: boolean
  /** What the member's own signals say (typing and presence, never in the log): online, away, or offline; 'offline' too when it does not share them. */
  presence: 'online' | 'away' | 'offline'
  /** When a signal of the member last reached this device (ms), if one did since the daemon started. */
  lastSeen?: number
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
