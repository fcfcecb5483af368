/**
 * Where this device stands in a group, and the checks made before it writes
 * there, so a person refused hears it in their own terms ("you were removed
 * from Climbing") rather than core's, which speak of device keys. Core
 * checks the same rules again on every entry.
 */
import { type GroupLog, GroupNotSyncedError, NotAuthorizedError } from '@causette/core'
import type { Membership } from '../api/api-types.ts'
import { LastAdminError } from '../errors.ts'
import type { GroupAuthors } from './authors.ts'
import { asArgument, describe } from './member-lookup.ts'

export function standingIn(log: GroupLog, self: string): Membership {
  const state = log.membership()
  if (state === undefined) return 'not joined'
  if (state.members.has(self)) return 'member'
  const departed = state.departed.get(self)?.reason
  if (departed !== undefined) return departed
  // out of the group from an entry of its own on, never having departed: a join of its that turned out void
  return state.gaps.get(self)?.some((gap) => gap.until === Number.POSITIVE_INFINITY) ? 'join void' : 'not joined'
}

/** Throws unless this device is a member of the group; `doing` completes "you can no longer …". */
export function requireMember(log: GroupLog, self: string, groupName: string, doing: string): void {
  if (log.membership() === undefined) throw new GroupNotSyncedError()
  switch (standingIn(log, self)) {
    case 'member':
      return
    case 'removed':
      throw new NotAuthorizedError(`you were removed from ${groupName}: you can no longer ${doing}; to come back, ask a member for a new invite`)
    case 'left':
      throw new NotAuthorizedError(`you left ${groupName}: you can no longer ${doing}; to come back, ask a member for a new invite`)
    case 'join void':
      throw new NotAuthorizedError(
        `your join to ${groupName} did not hold (the member who invited you was removed before it, or the invite was already used or had expired), so you cannot ${doing}; what you wrote there is not shown to its members; ask a member for a new invite`
      )
    case 'not joined':
      throw new NotAuthorizedError(`this device has not joined ${groupName} yet, so it cannot ${doing}`)
  }
}

/** Throws unless this device is an admin of the group, naming the admins to ask. */
export function requireAdmin(log: GroupLog, self: string, groupName: string, people: GroupAuthors, what: string): void {
  requireMember(log, self, groupName, what)
  const state = log.membership()
  const role = state?.role(self)
  if (role === 'admin') return
  const admins = [...(state?.members.values() ?? [])].filter((m) => m.role === 'admin').map((m) => describe(people, m.key))
  const ask =
    admins.length === 0 ? 'the group has no admin left' : `ask ${admins.length === 1 ? 'its admin' : 'one of its admins'}: ${admins.join(', ')}`
  throw new NotAuthorizedError(`only admins may ${what} in ${groupName}, and you are a ${role}; ${ask}`)
}

/** Throws if this device is the group's only admin and other members would be left with none. */
export function requireAnotherAdmin(log: GroupLog, self: string, groupName: string, change: string): void {
  const state = log.membership()
  if (state === undefined || state.role(self) !== 'admin' || state.members.size <= 1) return
  const others = [...state.members.values()].filter((m) => m.key !== self && m.role === 'admin')
  if (others.length > 0) return
  throw new LastAdminError(
    `you are the only admin of ${groupName}: if you ${change}, no one could remove members or change roles again; first make another member admin (\`causette role ${asArgument(groupName)} <member> admin\`)`
  )
}
