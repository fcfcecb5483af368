/**
 * `causette mute`, `unmute`, `notify` and `receipts`: this device's own
 * choices about its groups — muted for a while or until unmuted, which
 * messages notify the desktop, and whether others see how far you have read.
 */
import { type Command, InvalidArgumentError } from 'commander'
import type { Mute, MuteResponse, NotifyLevel, NotifyResponse, ReceiptsSetting } from '../../api/api-types.ts'
import { MAX_MUTE_MS, MIN_MUTE_MS } from '../../api/preference-routes.ts'
import { contextOf, groupPath } from '../command-context.ts'
import { parseDuration } from '../duration.ts'
import { formatTime } from '../message-format.ts'

const LEVELS: readonly NotifyLevel[] = ['all', 'mentions', 'off']

export function registerPreferences(program: Command): void {
  program
    .command('mute')
    .description('stop a group notifying you, for a while or until you unmute it (its unread messages still count)')
    .argument('<group>', 'group name, id, or the start of its id')
    .option('--for <duration>', 'how long: 1h, 8h, 7d, … or forever', 'forever')
    .action(async (group: string, options: { for: string }, command: Command) => {
      const { out, connect } = contextOf(command)
      const forMs = muteLength(options.for)
      const done = await (await connect()).put<MuteResponse>(groupPath(group, '/mute'), forMs === undefined ? {} : { forMs })
      out.data(done)
      out.line(`Muted ${done.group.name} ${mutedWords(done.muted ?? {})}.`)
    })
  program
    .command('unmute')
    .description('let a muted group notify you again')
    .argument('<group>', 'group name, id, or the start of its id')
    .action(async (group: string, _options: object, command: Command) => {
      const { out, connect } = contextOf(command)
      const done = await (await connect()).delete<MuteResponse>(groupPath(group, '/mute'))
      out.data(done)
      out.line(`${done.group.name} is not muted.`)
    })
  program
    .command('notify')
    .description('which messages of a group notify you: all, mentions (mentions of you and replies to you; the default) or off')
    .argument('<group>', 'group name, id, or the start of its id')
    .argument('<level>', 'all, mentions or off')
    .action(async (group: string, level: string, _options: object, command: Command) => {
      const { out, connect } = contextOf(command)
      if (!LEVELS.includes(level as NotifyLevel)) throw new InvalidArgumentError(`say all, mentions or off, not ${JSON.stringify(level)}`)
      const done = await (await connect()).put<NotifyResponse>(groupPath(group, '/notify'), { level })
      out.data(done)
      out.line(`${done.group.name} notifies you of ${LEVEL_WORDS[done.notify]}.`)
    })
  program
    .command('receipts')
    .description('show or set whether others see how far you have read (read receipts; "seen by")')
    .argument('[state]', 'on or off')
    .action(async (state: string | undefined, _options: object, command: Command) => {
      const { out, connect } = contextOf(command)
      if (state !== undefined && state !== 'on' && state !== 'off') throw new InvalidArgumentError(`say "on" or "off", not ${JSON.stringify(state)}`)
      const client = await connect()
      const setting =
        state === undefined
          ? await client.get<ReceiptsSetting>('/v1/receipts')
          : await client.put<ReceiptsSetting>('/v1/receipts', { sending: state === 'on' })
      out.data(setting)
      out.line(
        setting.sending
          ? 'Read receipts are on: your groups see how far you have read, and you see who has seen your messages.'
          : 'Read receipts are off: how far you have read stays on this device, and you do not see who has seen your messages.'
      )
    })
}

const LEVEL_WORDS: Record<NotifyLevel, string> = {
  all: 'every message',
  mentions: 'mentions of you and replies to you',
  off: 'nothing'
}

/** "until 07:30" today, "until 2026-12-06 07:30" later, or "until you unmute it". */
export function mutedWords(muted: Mute, now = Date.now()): string {
  if (muted.until === undefined) return 'until you unmute it'
  const time = formatTime(muted.until)
  return `until ${time.slice(0, 10) === formatTime(now).slice(0, 10) ? time.slice(11) : time}`
}

function muteLength(text: string): number | undefined {
  if (text.trim().toLowerCase() === 'forever') return undefined
  const ms = parseDuration(text)
  if (ms < MIN_MUTE_MS || ms > MAX_MUTE_MS) {
    throw new InvalidArgumentError(`mute for at least a minute and at most 366 days (e.g. --for 8h), or --for forever; not ${text}`)
  }
  return ms
}
