/**
 * The one table that turns the named errors core throws about where a
 * device stands in a group into a person's words: what happened and what to
 * do, with the names of the group and of its people. Core owns the rules
 * and puts their data in the error (group, device, action, admins, role,
 * which invite and why a join was void); this table only words them. An
 * error not in it, or about a group this daemon does not know, keeps its
 * own message.
 */
import type { AdminOnlyError, JoinVoidReason, LastAdminError, ModeratorOnlyError, NotMemberError } from '@causette/core'
import { asArgument } from '../daemon/member-lookup.ts'

/** How the daemon names a group and the people in it. */
export interface Names {
  /** This device's key (hex). */
  self: string
  /** The group's name, if this daemon knows the group. */
  group(groupHex: string): string | undefined
  /** A person of the group as a message names them: display name, else the start of their fingerprint. */
  person(groupHex: string, key: string): string
}

type Wording = (err: never, group: string, names: Names) => string | undefined

const COME_BACK = 'to come back, ask a member for a new invite'

/** Why a join did not hold, as the person who joined would say it. */
const WHY_VOID: Record<JoinVoidReason, string> = {
  'maker gone': 'the member who made your invite was no longer in the group when you joined',
  revoked: 'an admin had revoked your invite',
  used: 'your single-use invite had already been used',
  expired: 'your invite had expired',
  // a client joins only once its log holds the invite: one the group does not record was made by someone already out of it
  'unknown invite': 'whoever made your invite was no longer in the group when they made it',
  unproven: 'your join did not prove the invite link',
  'before removal': 'you had been removed, and your invite was made before that'
}

const MESSAGES: Record<string, Wording> = {
  NotMemberError: (err: NotMemberError, group, names) => {
    if (err.device !== names.self) return undefined
    switch (err.standing) {
      case 'removed':
        return `you were removed from ${group}: you can no longer ${err.action}; ${COME_BACK}`
      case 'left':
        return `you left ${group}: you can no longer ${err.action}; ${COME_BACK}`
      case 'join void': {
        const why =
          err.voidJoin === undefined
            ? 'the member who invited you was removed before it, or the invite was already used or had expired'
            : WHY_VOID[err.voidJoin.reason]
        return `your join to ${group} did not hold (${why}), so you cannot ${err.action}; what you wrote there is not shown to its members; ask a member for a new invite`
      }
      case 'not joined':
        return `this device has not joined ${group} yet, so it cannot ${err.action}`
    }
  },
  AdminOnlyError: (err: AdminOnlyError, group, names) => {
    const admins = err.admins.map((key) => names.person(err.group as string, key))
    const ask =
      admins.length === 0 ? 'the group has no admin left' : `ask ${admins.length === 1 ? 'its admin' : 'one of its admins'}: ${admins.join(', ')}`
    return `only admins may ${err.action} in ${group}, and you are a ${err.role ?? 'member'}; ${ask}`
  },
  ModeratorOnlyError: (err: ModeratorOnlyError, group, names) => {
    const people = err.moderators.map((key) => names.person(err.group as string, key))
    const ask = people.length === 0 ? 'the group has none' : people.length === 1 ? `ask ${people[0]}` : `ask one of them: ${people.join(', ')}`
    return `only moderators and admins may ${err.action} in ${group}, and you are a ${err.role ?? 'member'}; ${ask}`
  },
  LastAdminError: (err: LastAdminError, group) =>
    `you are the only admin of ${group}: if you ${err.change}, no one could remove members or change roles again; first make another member admin (\`causette role ${asArgument(group)} <member> admin\`)`
}

/** The message a person reads for `err`: the table's wording where it has one, else the error's own. */
export function personMessage(err: Error, names: Names): string {
  const wording = MESSAGES[err.name]
  const groupHex = (err as { group?: unknown }).group
  const group = typeof groupHex === 'string' ? names.group(groupHex) : undefined
  if (wording === undefined || group === undefined) return err.message
  return wording(err as never, group, names) ?? err.message
}
