/** `causette invite`, `invites`, `join` and `rekey`: bringing people into a group with a link, revoking links, and keys. */
import type { Command } from 'commander'
import type { InviteResponse, InvitesResponse, InviteView, JoinResponse, RekeyResponse, RevokeInviteResponse } from '../../api/api-types.ts'
import { UsageError } from '../../errors.ts'
import { contextOf, groupPath } from '../command-context.ts'
import { parseDuration } from '../duration.ts'
import { JoinProgress } from '../join-progress.ts'
import { authorLabel, count, formatTime, shellWord, shortId } from '../message-format.ts'

const MIN_JOIN_WAIT_MS = 1000
/** The daemon's limit: an HTTP client waits about five minutes for an answer. */
const MAX_JOIN_WAIT_MS = 240_000

export function registerInvites(program: Command): void {
  program
    .command('invite')
    .description('print an invite link to a group (anyone with the link can join it, then read it once a member grants the key: share it privately)')
    .argument('<group>', 'group name, id, or the start of its id')
    .option('--expires <duration>', 'the link stops working after this long, e.g. 30m, 12h, 7d')
    .option('--single-use', 'the link is meant for one person')
    .option('--no-addresses', "leave this device's network addresses out of the link (members then meet on the LAN by mDNS or through other members)")
    .option('--revoke <id>', 'revoke the invite with this id instead (admins only): later joins with its link do not hold')
    .action(async (group: string, options: { expires?: string; singleUse?: boolean; addresses: boolean; revoke?: string }, command: Command) => {
      const { out, connect } = contextOf(command)
      if (options.revoke !== undefined) {
        const revoked = await (await connect()).delete<RevokeInviteResponse>(groupPath(group, `/invites/${encodeURIComponent(options.revoke)}`))
        out.data(revoked)
        const what = `invite ${revoked.invite.id.slice(0, 12)} to ${revoked.group.name}`
        out.line(revoked.changed ? `Revoked ${what}: joins with its link no longer hold.` : `The ${what} was revoked already.`)
        return
      }
      const body = {
        singleUse: options.singleUse === true,
        addresses: options.addresses,
        ...(options.expires === undefined ? {} : { expiresInMs: parseDuration(options.expires) })
      }
      const invite = await (await connect()).post<InviteResponse>(groupPath(group, '/invites'), body)
      out.data(invite)
      out.line(invite.link)
      const terms = [invite.expires === undefined ? 'does not expire' : `expires ${formatTime(invite.expires)}`, invite.singleUse ? 'single use' : '']
      out.note(
        `Invite ${invite.id.slice(0, 12)} to ${invite.group.name} (${shortId(invite.group.id)}): ${terms.filter((t) => t !== '').join(', ')}. An admin can revoke it: causette invite ${shellWord(group)} --revoke ${invite.id.slice(0, 12)}`
      )
    })

  program
    .command('invites')
    .description("the invites a group's log records, by any member: id, made by, expiry, single use, used, revoked")
    .argument('<group>', 'group name, id, or the start of its id')
    .action(async (group: string, _options: object, command: Command) => {
      const { out, connect } = contextOf(command)
      const listed = await (await connect()).get<InvitesResponse>(groupPath(group, '/invites'))
      out.data(listed)
      out.line(`${listed.group.name}: ${count(listed.invites.length, 'invite')}`)
      for (const i of listed.invites) out.line(`  ${i.id.slice(0, 12)}  ${formatTime(i.made)}  by ${authorLabel(i.by, i.by.key)}  ${inviteTerms(i)}`)
    })

  program
    .command('rekey')
    .description('start a new group key now, granted to the current members with the keys of earlier ones (any member may)')
    .argument('<group>', 'group name, id, or the start of its id')
    .action(async (group: string, _options: object, command: Command) => {
      const { out, connect } = contextOf(command)
      const rekeyed = await (await connect()).post<RekeyResponse>(groupPath(group, '/rekey'), {})
      out.data(rekeyed)
      out.line(`${rekeyed.group.name} has a new key (epoch ${rekeyed.epoch.slice(0, 8)}): what is written from now on uses it.`)
    })

  program
    .command('join')
    .description('join a group with an invite link (causette:join/… or a web link with #join=…)')
    .argument('<link>', 'the invite link')
    .option('--timeout <duration>', 'how long to wait for a member who has the invite to answer, from 1s to 4m', '60s')
    .addHelpText(
      'after',
      "\nJoining reaches the members named in the link (or on the LAN), waits until the invite's record arrives\nwith the group's history, then writes your join. If no member with the invite answers within --timeout,\nthe join fails and leaves nothing behind: try again when the inviter is online."
    )
    .action(async (link: string, options: { timeout: string }, command: Command) => {
      const { out, connect } = contextOf(command)
      const timeoutMs = parseDuration(options.timeout)
      if (timeoutMs < MIN_JOIN_WAIT_MS || timeoutMs > MAX_JOIN_WAIT_MS) throw new UsageError('--timeout must be from 1s to 4m, e.g. 30s or 2m')
      const client = await connect()
      const progress = out.json ? undefined : await JoinProgress.follow(client, out)
      let joined: JoinResponse
      try {
        joined = await client.post<JoinResponse>('/v1/join', { link, timeoutMs })
      } catch (err) {
        await progress?.stop()
        throw err
      }
      await progress?.stop(joined.alreadyMember ? undefined : joined.group.id)
      out.data(joined)
      const name = joined.group.name === '' ? shortId(joined.group.id) : `${joined.group.name} (${shortId(joined.group.id)})`
      if (joined.alreadyMember) {
        out.line(`You are already in ${name}.`)
        return
      }
      out.line(`Joined ${name}.`)
      out.note(
        joined.reached > 0
          ? 'The rest of its history is on its way; `causette status` shows the sync.'
          : 'Its history arrives from the members as they are reachable (same LAN, or online).'
      )
    })
}

/** An invite's terms and state, as one line of `causette invites` shows them. */
function inviteTerms(i: InviteView): string {
  const terms = [
    i.singleUse ? 'single use' : 'multi-use',
    i.expires === undefined ? 'no expiry' : `expires ${formatTime(i.expires)}`,
    i.used ? 'used' : 'unused',
    i.revokedBy === undefined ? '' : `revoked by ${authorLabel(i.revokedBy, i.revokedBy.key)}`
  ]
  return `${terms.filter((t) => t !== '').join(', ')}: ${i.state}`
}
