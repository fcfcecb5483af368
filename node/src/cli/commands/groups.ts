/** `causette create`, `groups` and `members`: the groups of this device and who is in them. */
import type { Command } from 'commander'
import type { GroupSummary, GroupsResponse, MembersResponse } from '../../api/api-types.ts'
import { contextOf, groupPath } from '../command-context.ts'
import { count, formatTime, shortId } from '../message-format.ts'

export function registerGroups(program: Command): void {
  program
    .command('create')
    .description('create a group, with you as its first member')
    .argument('<name>', 'the group name')
    .action(async (name: string, _options: object, command: Command) => {
      const { out, connect } = contextOf(command)
      const { group } = await (await connect()).post<{ group: GroupSummary }>('/v1/groups', { name })
      out.data({ group })
      out.line(`Created ${group.name} (${shortId(group.id)}).`)
      out.note(`Invite people with: causette invite ${shortId(group.id)}`)
    })

  program
    .command('groups')
    .description('list your groups')
    .action(async (_options: object, command: Command) => {
      const { out, connect } = contextOf(command)
      const { groups } = await (await connect()).get<GroupsResponse>('/v1/groups')
      out.data({ groups })
      if (groups.length === 0) out.note('No groups yet: `causette create <name>`, or `causette join <link>` with an invite.')
      for (const g of groups) {
        const state = g.state === 'loading' ? ', opening…' : ''
        out.line(
          `${shortId(g.id)}  ${g.name || '(name not synced yet)'}  ${count(g.messages, 'message')}, ${count(g.connectedMembers, 'member')} online${state}`
        )
      }
    })

  program
    .command('members')
    .description('the members of a group seen so far, with their safety-number fingerprints')
    .argument('<group>', 'group name, id, or the start of its id')
    .addHelpText('after', '\nCompare a fingerprint with its owner out of band (in person, by phone) to know the key is theirs.')
    .action(async (group: string, _options: object, command: Command) => {
      const { out, connect } = contextOf(command)
      const members = await (await connect()).get<MembersResponse>(groupPath(group, '/members'))
      out.data(members)
      out.line(`${members.group.name}: ${count(members.members.length, 'member')} seen`)
      for (const m of members.members) {
        const who = m.name ?? (m.you ? 'you' : '')
        const online = m.you ? 'this device' : m.connected ? 'online' : 'offline'
        out.line(
          `  ${m.fingerprint}  ${who === '' ? '' : `${who}  `}${count(m.messages, 'message')}, last active ${formatTime(m.lastActive)}, ${online}`
        )
      }
    })
}
