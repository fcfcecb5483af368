/** `causette edit`, `delete` and `react`: changing a message after it was sent; `about`: the group's name, topic, description and disappearing-message timer. */
import type { Command } from 'commander'
import type { AboutResponse, MessageActionResponse } from '../../api/api-types.ts'
import { contextOf, groupPath } from '../command-context.ts'
import { parseDuration } from '../duration.ts'
import { shortId, timerWords } from '../message-format.ts'

interface AboutOptions {
  name?: string
  topic?: string
  description?: string
  disappearing?: string
}

/** "off", or a duration of whole seconds (the daemon says when it is out of range). */
function timerSeconds(text: string): number {
  return text.trim().toLowerCase() === 'off' ? 0 : Math.round(parseDuration(text) / 1000)
}

function messagePath(group: string, message: string, rest = ''): string {
  return groupPath(group, `/messages/${encodeURIComponent(message)}${rest}`)
}

export function registerMessageActions(program: Command): void {
  program
    .command('edit')
    .description('change the text of one of your messages; everyone sees it marked (edited)')
    .argument('<group>', 'group name, id, or the start of its id')
    .argument('<message>', 'the message id, or its start (as history shows it)')
    .argument('<text...>', 'the new text')
    .action(async (group: string, message: string, words: string[], _options: object, command: Command) => {
      const { out, connect } = contextOf(command)
      const done = await (await connect()).put<MessageActionResponse>(messagePath(group, message, '/text'), { text: words.join(' ') })
      out.data(done)
      out.line(`Edited ${shortId(done.message.id)} in ${done.group.name}.`)
    })

  program
    .command('delete')
    .description("delete a message: your own, or anyone's if you are a moderator or an admin of the group")
    .argument('<group>', 'group name, id, or the start of its id')
    .argument('<message>', 'the message id, or its start (as history shows it)')
    .action(async (group: string, message: string, _options: object, command: Command) => {
      const { out, connect } = contextOf(command)
      const done = await (await connect()).delete<MessageActionResponse>(messagePath(group, message))
      out.data(done)
      out.line(`Deleted ${shortId(done.message.id)} in ${done.group.name}${done.message.deletedBy === undefined ? '' : ' (as a moderator)'}.`)
    })

  program
    .command('react')
    .description('react to a message with an emoji (or a short word); --remove takes your reaction back')
    .argument('<group>', 'group name, id, or the start of its id')
    .argument('<message>', 'the message id, or its start (as history shows it)')
    .argument('<emoji>', 'the reaction, e.g. 👍')
    .option('--remove', 'take this reaction back')
    .action(async (group: string, message: string, emoji: string, options: { remove?: boolean }, command: Command) => {
      const { out, connect } = contextOf(command)
      const body = { emoji, ...(options.remove === true ? { remove: true } : {}) }
      const done = await (await connect()).post<MessageActionResponse>(messagePath(group, message, '/reactions'), body)
      out.data(done)
      out.line(
        `${options.remove === true ? 'Took back' : 'Reacted'} ${emoji} ${options.remove === true ? 'from' : 'to'} ${shortId(done.message.id)} in ${done.group.name}.`
      )
    })

  program
    .command('about')
    .description("a group's name, topic and description; admins change them with the options")
    .argument('<group>', 'group name, id, or the start of its id')
    .option('--name <name>', 'rename the group')
    .option('--topic <text>', 'set its topic (empty to clear it)')
    .option('--description <text>', 'set its description (empty to clear it)')
    .option('--disappearing <time>', 'make new messages disappear after this long (5m to 4w, e.g. 1h, 1d, 1w), or "off"')
    .action(async (group: string, options: AboutOptions, command: Command) => {
      const { out, connect } = contextOf(command)
      const client = await connect()
      const { disappearing, ...texts } = options
      const changes = { ...texts, ...(disappearing === undefined ? {} : { disappearing: timerSeconds(disappearing) }) }
      const changing = Object.keys(changes).length > 0
      const about = changing
        ? await client.put<AboutResponse>(groupPath(group, '/about'), changes)
        : await client.get<AboutResponse>(groupPath(group, '/about'))
      out.data(about)
      if (changing) out.line(`Changed ${about.group.name}.`)
      out.line(about.name)
      if (about.topic !== '') out.line(`  topic: ${about.topic}`)
      if (about.description !== '') out.line(`  ${about.description.replaceAll('\n', '\n  ')}`)
      if (about.disappearing > 0) out.line(`  new messages disappear after ${timerWords(about.disappearing)}`)
    })
}
