/**
 * `causette typing` and `causette presence`: saying you are typing in a
 * group (for scripts and bots; people's apps say it as they type), and
 * whether this device shares its presence and typing with its groups.
 */
import { type Command, InvalidArgumentError } from 'commander'
import type { PresenceSetting } from '../../daemon/signal-operations.ts'
import { contextOf, groupPath } from '../command-context.ts'

export function registerPresence(program: Command): void {
  program
    .command('typing')
    .description('tell a group you are typing (it shows for a few seconds), or that you stopped')
    .argument('<group>', 'group name or id')
    .option('--stop', 'say you stopped typing')
    .action(async (group: string, options: { stop?: boolean }, command: Command) => {
      const { out, connect } = contextOf(command)
      const said = await (await connect()).post<{ typing: boolean; sharing: boolean }>(groupPath(group, '/typing'), { typing: options.stop !== true })
      out.data(said)
      if (!said.sharing) out.note('This device does not share presence and typing (causette presence on turns it back on): nothing was said.')
      else out.line(said.typing ? 'Said you are typing.' : 'Said you stopped typing.')
    })
  program
    .command('presence')
    .description('show or set whether your groups see when you are online, away or typing')
    .argument('[state]', 'on or off')
    .action(async (state: string | undefined, _options: object, command: Command) => {
      const { out, connect } = contextOf(command)
      const client = await connect()
      if (state !== undefined && state !== 'on' && state !== 'off') throw new InvalidArgumentError(`say "on" or "off", not ${JSON.stringify(state)}`)
      const setting =
        state === undefined
          ? await client.get<PresenceSetting>('/v1/presence')
          : await client.put<PresenceSetting>('/v1/presence', { sharing: state === 'on' })
      out.data(setting)
      out.line(
        setting.sharing
          ? 'Your groups see when you are online, away or typing.'
          : 'Your groups do not see when you are online or typing (your messages still show when you wrote them).'
      )
    })
}
