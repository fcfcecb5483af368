/**
 * One message of an exported history, as a line of JSON: the format the
 * daemon's `causette export` and the web app's export both write (JSON
 * lines, oldest first), documented in docs/control-api.md.
 */
import type { Message } from './message-types.ts'

export interface ExportAuthor {
  fingerprint: string
  name?: string
}

export function exportLine(m: Message, author: ExportAuthor): string {
  return `${JSON.stringify({
    id: m.id,
    time: new Date(m.time).toISOString(),
    author: m.author,
    fingerprint: author.fingerprint,
    ...(author.name === undefined ? {} : { name: author.name }),
    text: m.text,
    edited: m.edited,
    deleted: m.deleted,
    ...(m.replyTo === undefined ? {} : { replyTo: m.replyTo }),
    mentions: m.mentions,
    reactions: m.reactions,
    ...(m.pinned ? { pinned: true } : {}),
    ...(m.poll === undefined ? {} : { poll: m.poll })
  })}\n`
}
