/** `causette create` and `groups`: the groups of this device. */
import type { Command } from 'commander'
import type { GroupSummary, GroupsResponse, ReadResponse } from '../../api/api-types.ts'
import { contextOf, groupPath } from '../command-context.ts'
import { count, shortId } from '../message-format.ts'
import { mutedWords } from './preferences.ts'

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
        const muted = g.muted === undefined ? '' : `, muted ${mutedWords(g.muted)}`
        const unread =
          g.unread === 0
            ? ''
            : `, ${g.unread > UNREAD_SHOWN ? `${UNREAD_SHOWN}+` : g.unread} unread${g.unreadMentions > 0 ? ` (${g.unreadMentions} mention${g.unreadMentions === 1 ? 's' : ''} you)` : ''}`
        out.line(
          `${shortId(g.id)}  ${g.name || '(name not synced yet)'}  ${count(g.messages, 'message')}${unread}, ${count(g.connectedMembers, 'member')} online${muted}${state}`
        )
      }
    })

  program
    .command('read')
    .description('mark a group read up to its newest message (the other members see how far you have read)')
    .argument('<group>', 'group name, id, or the start of its id')
    .action(async (group: string, _options: object, command: Command) => {
      const { out, connect } = contextOf(command)
      const done = await (await connect()).post<ReadResponse>(groupPath(group, '/read'), {})
      out.data(done)
      const where = done.receipt ? '' : ' on this device (read receipts are off: the other members are not told)'
      out.line(done.upTo === undefined ? `Nothing unread in ${done.group.name}.` : `Marked ${done.group.name} read${where}.`)
    })
}

/** Beyond this, `groups` says "999+". */
const UNREAD_SHOWN = 999
