/** `causette pin`, `unpin` and `pins`: a group's pinned messages, which its moderators and admins choose. */
import type { Command } from 'commander'
import type { PinResponse, PinsResponse } from '../../api/api-types.ts'
import { contextOf, groupPath } from '../command-context.ts'
import { authorLabel, formatMessage, shortId } from '../message-format.ts'

function pinPath(group: string, message: string, action: 'pin' | 'unpin'): string {
  return groupPath(group, `/messages/${encodeURIComponent(message)}/${action}`)
}

export function registerPins(program: Command): void {
  for (const pinned of [true, false]) {
    const action = pinned ? 'pin' : 'unpin'
    program
      .command(action)
      .description(
        pinned
          ? "pin a message to the group's pinned list (moderators and admins); everyone sees it marked 📌"
          : "take a message off the group's pinned list (moderators and admins)"
      )
      .argument('<group>', 'group name, id, or the start of its id')
      .argument('<message>', 'the message id, or its start (as history shows it)')
      .action(async (group: string, message: string, _options: object, command: Command) => {
        const { out, connect } = contextOf(command)
        const done = await (await connect()).post<PinResponse>(pinPath(group, message, action), {})
        out.data(done)
        const id = shortId(done.message.id)
        if (!done.changed) out.line(`${id} in ${done.group.name} was ${pinned ? 'pinned' : 'not pinned'} already.`)
        else out.line(`${pinned ? 'Pinned' : 'Unpinned'} ${id} in ${done.group.name}.`)
      })
  }

  program
    .command('pins')
    .description("a group's pinned messages, the latest pinned first, with who pinned each")
    .argument('<group>', 'group name, id, or the start of its id')
    .action(async (group: string, _options: object, command: Command) => {
      const { out, connect } = contextOf(command)
      const pins = await (await connect()).get<PinsResponse>(groupPath(group, '/pins'))
      out.data(pins)
      if (pins.messages.length === 0) out.note(`Nothing is pinned in ${pins.group.name}.`)
      for (const m of pins.messages) {
        out.line(formatMessage(m, pins.authors))
        if (m.pinnedBy !== undefined) out.line(`    pinned by ${authorLabel(pins.authors[m.pinnedBy], m.pinnedBy)} (${shortId(m.id)})`)
      }
    })
}
