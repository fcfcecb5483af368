/** `causette create` and `groups`: the groups of this device. */
import type { Command } from 'commander'
import type { GroupSummary, GroupsResponse } from '../../api/api-types.ts'
import { contextOf } from '../command-context.ts'
import { count, shortId } from '../message-format.ts'

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
}
