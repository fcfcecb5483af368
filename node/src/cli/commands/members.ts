/** `causette members`, `remove`, `role` and `leave`: who is in a group and who may do what. */
import { type Command, InvalidArgumentError } from 'commander'
import type { LeaveResponse, MembersResponse, MemberView, RemoveResponse, Role, RoleResponse } from '../../api/api-types.ts'
import { contextOf, groupPath, memberPath } from '../command-context.ts'
import { authorLabel, count, formatTime } from '../message-format.ts'
import { unreachableSince } from '../reachability-words.ts'

const ROLES: readonly Role[] = ['admin', 'moderator', 'member']
const MEMBER_ARGUMENT = 'their display name, or the start of their key (at least 4 hex digits, as `causette members` shows)'

export function registerMembers(program: Command): void {
  program
    .command('members')
    .description('the members of a group: role, display name, safety-number fingerprint, verified, blocked, online')
    .argument('<group>', 'group name, id, or the start of its id')
    .addHelpText(
      'after',
      '\nCompare a fingerprint with its owner out of band (in person, by phone) to know the key is theirs: `causette verify` shows the safety number to compare.'
    )
    .action(async (group: string, _options: object, command: Command) => {
      const { out, connect } = contextOf(command)
      const members = await (await connect()).get<MembersResponse>(groupPath(group, '/members'))
      out.data(members)
      const name = members.group.name
      if (members.membership === 'removed') out.note(`You were removed from ${name}.`)
      else if (members.membership === 'left') out.note(`You left ${name}.`)
      else if (members.membership === 'join void')
        out.note(
          `Your join to ${name} did not hold: the invite was void (its maker was removed first, or it was used or had expired). Ask a member for a new invite.`
        )
      else if (members.membership === 'not joined')
        out.note(`This device is not a member of ${name} (yet): its history or your join has not arrived.`)
      out.line(`${name}: ${count(members.members.length, 'member')}`)
      const width = Math.max(0, ...members.members.map((m) => label(m).length))
      for (const m of members.members)
        out.line(`  ${m.key.slice(0, 8)}  ${m.fingerprint}  ${label(m).padEnd(width)}  ${m.role.padEnd(9)}  ${details(m)}`)
    })

  program
    .command('remove')
    .description('remove a member from a group (admins only); later messages use a new key the removed member never gets')
    .argument('<group>', 'group name, id, or the start of its id')
    .argument('<member>', MEMBER_ARGUMENT)
    .action(async (group: string, member: string, _options: object, command: Command) => {
      const { out, connect } = contextOf(command)
      const removed = await (await connect()).delete<RemoveResponse>(memberPath(group, member))
      out.data(removed)
      const who = authorLabel(removed.removed, removed.removed.key)
      out.line(`Removed ${who} from ${removed.group.name}. What is written from now on uses a new key ${who} does not have.`)
    })

  program
    .command('role')
    .description("change a member's role (admins only): admin, moderator (may delete others' messages) or member")
    .argument('<group>', 'group name, id, or the start of its id')
    .argument('<member>', MEMBER_ARGUMENT)
    .argument('<role>', 'admin, moderator or member', role)
    .action(async (group: string, member: string, newRole: Role, _options: object, command: Command) => {
      const { out, connect } = contextOf(command)
      const changed = await (await connect()).put<RoleResponse>(memberPath(group, member, '/role'), { role: newRole })
      out.data(changed)
      const who = authorLabel(changed.member, changed.member.key)
      out.line(
        changed.changed
          ? `${who} is now ${article(changed.role)} of ${changed.group.name}.`
          : `${who} already is ${article(changed.role)} of ${changed.group.name}.`
      )
    })

  program
    .command('leave')
    .description('leave a group: you stop writing to it and, from its next key, reading it; its history stays on this device')
    .argument('<group>', 'group name, id, or the start of its id')
    .option('--force', 'leave even if you are its only admin (no one could remove members or change roles afterwards)')
    .action(async (group: string, options: { force?: boolean }, command: Command) => {
      const { out, connect } = contextOf(command)
      const left = await (await connect()).post<LeaveResponse>(groupPath(group, '/leave'), { force: options.force === true })
      out.data(left)
      out.line(`You left ${left.group.name}.`)
      out.note('To come back, ask a member for a new invite.')
    })
}

/** The name column; the fingerprint beside it tells apart two members with one name. */
function label(m: MemberView): string {
  return `${m.name ?? '(no name)'}${m.you ? ' (you)' : ''}`
}

function details(m: MemberView): string {
  const parts: string[] = []
  if (m.verified) parts.push('verified')
  if (m.blocked) parts.push('blocked')
  parts.push(count(m.messages, 'message'))
  if (m.devices.length > 1) parts.push(count(m.devices.length, 'device'))
  if (m.lastActive > 0) parts.push(`last active ${formatTime(m.lastActive)}`)
  if (m.you) parts.push('this device')
  else if (m.connected || m.presence !== 'offline') {
    const presence = m.presence === 'away' ? 'away' : 'online'
    // its signals arrive through other members: say so when this device has lost its own link to it
    const lost = m.connected ? undefined : m.unreachableSince
    parts.push(lost === undefined ? presence : `${presence} through other members (no direct connection since ${formatTime(lost)})`)
  } else if (m.lastSeen !== undefined) parts.push(`last seen ${formatTime(m.lastSeen)}`)
  else parts.push(m.unreachableSince === undefined ? 'offline' : unreachableSince({ since: m.unreachableSince, givenUp: false }))
  return parts.join(', ')
}

function article(role: Role): string {
  return `${role === 'admin' ? 'an' : 'a'} ${role}`
}

function role(value: string): Role {
  const wanted = value.toLowerCase()
  if (!ROLES.includes(wanted as Role)) throw new InvalidArgumentError(`a role is one of ${ROLES.join(', ')}`)
  return wanted as Role
}
