/** `causette verify`, `unverify`, `block`, `unblock` and `blocked`: this person's own judgement of other members, kept on this device. */
import type { Command } from 'commander'
import { renderUnicodeCompact } from 'uqr'
import type { BlockedResponse, BlockResponse, SafetyNumberResponse } from '../../api/api-types.ts'
import { contextOf, memberPath } from '../command-context.ts'
import { authorLabel, formatTime, shellWord } from '../message-format.ts'

const MEMBER_ARGUMENT = 'their display name, or the start of their key (at least 4 hex digits, as `causette members` shows)'
/** Safety numbers read best as rows of four groups of five digits. */
const GROUPS_PER_ROW = 4

export function registerTrust(program: Command): void {
  program
    .command('verify')
    .description('show the safety number between you and a member, to compare with theirs; with --confirm, record them as verified')
    .argument('<group>', 'group name, id, or the start of its id')
    .argument('<member>', MEMBER_ARGUMENT)
    .option('--confirm <digits>', 'the 60 digits their device shows (spaces do not matter): recorded as verified only if they match')
    .addHelpText(
      'after',
      '\nBoth devices show the same 60 digits. Compare them in person or by phone, not through the group itself:\nif they match, no one stands between your two keys.'
    )
    .action(async (group: string, member: string, options: { confirm?: string }, command: Command) => {
      const { out, connect } = contextOf(command)
      const client = await connect()
      if (options.confirm !== undefined) {
        const confirmed = await client.put<SafetyNumberResponse>(memberPath(group, member, '/verification'), { safetyNumber: options.confirm })
        out.data(confirmed)
        out.line(`The safety numbers match: ${who(confirmed)} is verified on this device.`)
        return
      }
      const shown = await client.get<SafetyNumberResponse>(memberPath(group, member, '/safety-number'))
      out.data(shown)
      out.line(`Safety number with ${who(shown)} (key ${shown.member.key.slice(0, 8)}) in ${shown.group.name}:`)
      const groups = shown.safetyNumber.split(' ')
      for (let i = 0; i < groups.length; i += GROUPS_PER_ROW) out.line(`  ${groups.slice(i, i + GROUPS_PER_ROW).join(' ')}`)
      // the same digits as a QR code, for the other person's camera (the web app reads it)
      out.line(renderUnicodeCompact(shown.safetyNumber.replaceAll(' ', ''), { border: 1 }))
      out.line(shown.verified ? 'Verified.' : 'Not verified yet.')
      if (!shown.verified) {
        out.note(
          `Compare it with what ${who(shown)}'s device shows for you, in person or by phone; if it matches: causette verify ${shellWord(group)} ${shellWord(member)} --confirm "<the digits>"`
        )
      }
    })

  program
    .command('unverify')
    .description('forget that a member was verified')
    .argument('<group>', 'group name, id, or the start of its id')
    .argument('<member>', MEMBER_ARGUMENT)
    .action(async (group: string, member: string, _options: object, command: Command) => {
      const { out, connect } = contextOf(command)
      const result = await (await connect()).delete<SafetyNumberResponse>(memberPath(group, member, '/verification'))
      out.data(result)
      out.line(`${who(result)} is not marked verified any more.`)
    })

  program
    .command('block')
    .description('block a member on this device: their messages are hidden here and their device may not connect to it')
    .argument('<group>', 'group name, id, or the start of its id')
    .argument('<member>', MEMBER_ARGUMENT)
    .addHelpText('after', '\nBlocking is yours alone: nothing is written to the group, and `causette unblock` shows their messages again.')
    .action(async (group: string, member: string, _options: object, command: Command) => {
      const { out, connect } = contextOf(command)
      const result = await (await connect()).put<BlockResponse>(memberPath(group, member, '/block'))
      out.data(result)
      const name = authorLabel(result.member, result.member.key)
      out.line(
        result.changed
          ? `Blocked ${name}: their messages are hidden on this device, and their device cannot connect to it.`
          : `${name} was already blocked.`
      )
    })

  program
    .command('unblock')
    .description('unblock a member: their messages show again and their device may connect')
    .argument('<group>', 'group name, id, or the start of its id')
    .argument('<member>', MEMBER_ARGUMENT)
    .action(async (group: string, member: string, _options: object, command: Command) => {
      const { out, connect } = contextOf(command)
      const result = await (await connect()).delete<BlockResponse>(memberPath(group, member, '/block'))
      out.data(result)
      const name = authorLabel(result.member, result.member.key)
      out.line(result.changed ? `Unblocked ${name}: their messages show again.` : `${name} was not blocked.`)
    })

  program
    .command('blocked')
    .description('the devices you blocked')
    .action(async (_options: object, command: Command) => {
      const { out, connect } = contextOf(command)
      const result = await (await connect()).get<BlockedResponse>('/v1/blocked')
      out.data(result)
      if (result.blocked.length === 0) out.note('You have blocked no one.')
      for (const b of result.blocked)
        out.line(`  ${b.key.slice(0, 8)}  ${b.fingerprint}  ${b.name ?? '(no name)'}  blocked ${formatTime(b.blockedAt)}`)
    })
}

function who(answer: SafetyNumberResponse): string {
  return authorLabel({ ...answer.member, you: false }, answer.member.key)
}
