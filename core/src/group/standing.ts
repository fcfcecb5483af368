/**
 * Where a device stands in a group — member, removed, left, join void, or
 * not joined — derived here and nowhere else, and the errors a write is
 * refused with when its writer does not stand where the write needs: not a
 * member, not an admin (or a moderator), or the last admin about to leave the group
 * adminless. The errors carry their data; runtimes turn them into a
 * person's words (the daemon: node/src/api/error-messages.ts).
 */
import { AdminOnlyError, type JoinVoid, LastAdminError, ModeratorOnlyError, NotMemberError, type Outside } from '../errors.ts'
import type { Role } from './membership-operations.ts'

export type Standing = 'member' | Outside

/** Entries by `author` with seq in (after, until) were written while they were out of the group. */
export interface Gap {
  after: number
  until: number
  /** Set on the gap a void join opened: which invite it used and why it did not hold. */
  voidJoin?: JoinVoid
}

/** What standing is read from: a membership state. */
export interface Roster {
  /** Group id, hex. */
  readonly group: string
  readonly members: ReadonlyMap<string, { role: Role; person: string }>
  readonly departed: ReadonlyMap<string, { reason: 'removed' | 'left' }>
  readonly gaps: ReadonlyMap<string, readonly Gap[]>
}

/** Where `device` stands; 'not joined' before the group's history has arrived. */
export function standingOf(roster: Roster | undefined, device: string): Standing {
  if (roster === undefined) return 'not joined'
  if (roster.members.has(device)) return 'member'
  const departed = roster.departed.get(device)?.reason
  if (departed !== undefined) return departed
  // out of the group from an entry of its own on, never having departed: a join of its that turned out void
  return openGap(roster, device) === undefined ? 'not joined' : 'join void'
}

/** The gap still open for `device`: it is out of the group from an entry of its own on. */
export function openGap(roster: Pick<Roster, 'gaps'>, device: string): Gap | undefined {
  return roster.gaps.get(device)?.find((g) => g.until === Number.POSITIVE_INFINITY)
}

/** What an entry of each type lets its writer do, as refusals say it. */
const ACTIONS: Readonly<Record<string, string>> = {
  message: 'send messages to it',
  edit: 'edit messages there',
  delete: 'delete messages there',
  reaction: 'react to messages there',
  pin: 'pin messages there',
  vote: 'vote in its polls',
  'close-poll': 'close its polls',
  profile: 'set a name there',
  metadata: "change the group's name or topic",
  read: 'mark messages read there',
  invite: 'invite people to it',
  'revoke-invite': 'revoke invites',
  'link-device': 'link devices to it',
  'revoke-device': 'revoke devices there',
  leave: 'leave it',
  remove: 'remove members',
  role: 'change roles',
  rekey: 'rekey it'
}

export function actionOf(type: string): string {
  return ACTIONS[type] ?? 'write to it'
}

/** Throws NotMemberError unless `device` is a member. */
export function requireMember(roster: Roster, device: string, action: string): void {
  const standing = standingOf(roster, device)
  if (standing === 'member') return
  const voidJoin = standing === 'join void' ? openGap(roster, device)?.voidJoin : undefined
  throw new NotMemberError({ group: roster.group, device, standing, action, ...(voidJoin === undefined ? {} : { voidJoin }) })
}

/** Throws unless `device` is an admin: NotMemberError if it is no member, else AdminOnlyError naming the admins. */
export function requireAdmin(roster: Roster, device: string, action: string): void {
  requireMember(roster, device, action)
  const role = roster.members.get(device)?.role
  if (role === 'admin') return
  throw new AdminOnlyError(action, admins(roster), { group: roster.group, ...(role === undefined ? {} : { role }) })
}

/** Throws unless `device` is a moderator or an admin: NotMemberError if it is no member, else ModeratorOnlyError naming those who are. */
export function requireModerator(roster: Roster, device: string, action: string): void {
  requireMember(roster, device, action)
  const role = roster.members.get(device)?.role
  if (role === 'admin' || role === 'moderator') return
  const moderators = [...new Set([...roster.members.values()].filter((m) => m.role === 'admin' || m.role === 'moderator').map((m) => m.person))]
  throw new ModeratorOnlyError(action, moderators, { group: roster.group, ...(role === undefined ? {} : { role }) })
}

/** Throws LastAdminError if `device` is the group's only admin and other members would be left with none. */
export function requireAnotherAdmin(roster: Roster | undefined, device: string, change: LastAdminError['change']): void {
  const person = roster?.members.get(device)
  if (roster === undefined || person?.role !== 'admin') return
  // people, not devices: a person's other devices leave with them
  if ([...roster.members.values()].every((m) => m.person === person.person)) return
  if (admins(roster).some((key) => key !== person.person)) return
  throw new LastAdminError(roster.group, change)
}

/** The people (person keys) who are admins. */
function admins(roster: Roster): string[] {
  return [...new Set([...roster.members.values()].filter((m) => m.role === 'admin').map((m) => m.person))]
}
