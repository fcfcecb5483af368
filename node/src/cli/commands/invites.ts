/** `causette invite` and `join`: bringing people into a group with a link. */
import type { Command } from 'commander'
import type { InviteResponse, JoinResponse } from '../../api/api-types.ts'
import { contextOf, groupPath } from '../command-context.ts'
import { parseDuration } from '../duration.ts'
import { formatTime, shortId } from '../message-format.ts'

export function registerInvites(program: Command): void {
  program
    .command('invite')
    .description('print an invite link to a group (anyone with the link can join and read it: share it privately)')
    .argument('<group>', 'group name, id, or the start of its id')
    .option('--expires <duration>', 'the link stops working after this long, e.g. 30m, 12h, 7d')
    .option('--single-use', 'the link is meant for one person')
    .option('--no-addresses', "leave this device's network addresses out of the link (members then meet on the LAN by mDNS or through other members)")
    .action(async (group: string, options: { expires?: string; singleUse?: boolean; addresses: boolean }, command: Command) => {
      const { out, connect } = contextOf(command)
      const body = {
        singleUse: options.singleUse === true,
        addresses: options.addresses,
        ...(options.expires === undefined ? {} : { expiresInMs: parseDuration(options.expires) })
      }
      const invite = await (await connect()).post<InviteResponse>(groupPath(group, '/invites'), body)
      out.data(invite)
      out.line(invite.link)
      const terms = [invite.expires === undefined ? 'does not expire' : `expires ${formatTime(invite.expires)}`, invite.singleUse ? 'single use' : '']
      out.note(`Invite to ${invite.group.name} (${shortId(invite.group.id)}): ${terms.filter((t) => t !== '').join(', ')}.`)
    })

  program
    .command('join')
    .description('join a group with an invite link (causette:join/… or a web link with #join=…)')
    .argument('<link>', 'the invite link')
    .action(async (link: string, _options: object, command: Command) => {
      const { out, connect } = contextOf(command)
      const joined = await (await connect()).post<JoinResponse>('/v1/join', { link })
      out.data(joined)
      const name = joined.group.name === '' ? shortId(joined.group.id) : `${joined.group.name} (${shortId(joined.group.id)})`
      if (joined.alreadyMember) {
        out.line(`You are already in ${name}.`)
        return
      }
      out.line(`Joined ${name}.`)
      out.note(
        joined.reached > 0
          ? 'Its history is on its way from the member who invited you; `causette status` shows the sync.'
          : 'No member named in the invite answered yet: the history arrives when a member is reachable (same LAN, or online).'
      )
    })
}
