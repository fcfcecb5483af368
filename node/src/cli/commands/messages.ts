/** `causette send`, `history`, `tail`, `search` and `export`: writing and reading a group's messages. */

import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { createInterface } from 'node:readline'
import { disappearsIn } from '@causette/core/disappearing-words'
import { type Command, InvalidArgumentError } from 'commander'
import type { AuthorView, GroupRef, HistoryResponse, SearchResponse, SendResponse } from '../../api/api-types.ts'
import { UsageError } from '../../errors.ts'
import type { ApiClient } from '../api-client.ts'
import { contextOf, groupPath } from '../command-context.ts'
import { parseDuration } from '../duration.ts'
import { keptLine } from '../mailbox-words.ts'
import { mediaTypeOf } from '../media-types.ts'
import { fileSize, formatMessage, seenLine, shortId } from '../message-format.ts'
import type { Output } from '../output.ts'
import { megabytesOf, ProgressNote } from '../progress-note.ts'

interface SendOptions {
  replyTo?: string
  kept?: boolean
  mention?: string[]
  disappear?: string
  file?: string
}

/** Streams a file to the daemon with a progress line; it answers once the file and its message are durable. */
async function sendFile(
  client: ApiClient,
  out: Output,
  group: string,
  path: string,
  caption: string,
  reply: Record<string, unknown>
): Promise<SendResponse> {
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`)
  })
  if (!info.isFile()) throw new UsageError(`${path} is not a file`)
  const name = basename(path)
  const type = mediaTypeOf(name)
  const query = new URLSearchParams({ name, type, text: caption })
  // an image shows at its shape, blurred, before a byte of it has arrived (image-placeholder.ts)
  // its decoders (pngjs, jpeg-js) load only when an image is sent
  const placeholder = await (await import('../image-placeholder.ts')).imagePlaceholder(path, type)
  if (placeholder !== undefined) {
    query.set('thumb', Buffer.from(placeholder.thumb).toString('base64url'))
    query.set('width', String(placeholder.width))
    query.set('height', String(placeholder.height))
  }
  if (typeof reply.replyTo === 'string') query.set('replyTo', reply.replyTo)
  if (typeof reply.disappearAfter === 'number') query.set('disappearAfter', String(reply.disappearAfter))
  const progress = new ProgressNote(out, `Sending ${name}`, megabytesOf)
  const sent = await client.upload<SendResponse>(`${groupPath(group, '/files')}?${query}`, path, (bytes) => progress.update(bytes, info.size))
  progress.finish(info.size, info.size)
  return sent
}

/** How long `send --kept` waits for the relays. */
const KEPT_WAIT_MS = 10_000

export function registerMessages(program: Command): void {
  program
    .command('send')
    .description('send a message; it is stored on this device before the command returns')
    .argument('<group>', 'group name, id, or the start of its id')
    .argument('[text...]', 'the message; "-" (or nothing, with input piped) sends each line of standard input as a message')
    .option('--reply-to <message>', 'id (or its start) of the message this one answers')
    .option('--kept', "wait (up to 10 s) until the relays' mailboxes hold it, for members who are offline, and say how many do")
    .option('--mention <member...>', 'members it mentions besides those named @Name in the text (display names or starts of keys)')
    .option('--file <path>', 'send this file (its text, if any, is the caption); members fetch it from this device or each other')
    .option('--disappear <time>', "make it disappear after this long, e.g. 30s, 10m, 1d (5 s to 4 weeks; never later than the group's timer)")
    .action(async (group: string, words: string[], options: SendOptions, command: Command) => {
      const { out, connect } = contextOf(command)
      const client = await connect()
      const reply = {
        ...(options.replyTo === undefined ? {} : { replyTo: options.replyTo }),
        ...(options.mention === undefined ? {} : { mentions: options.mention }),
        ...(options.disappear === undefined ? {} : { disappearAfter: Math.round(parseDuration(options.disappear) / 1000) })
      }
      if (options.file !== undefined) {
        const sent = await sendFile(client, out, group, options.file, words.join(' '), reply)
        out.data(sent)
        out.line(
          `Sent ${sent.message.files?.[0]?.name} (${fileSize(sent.message.files?.[0]?.size ?? 0)}) to ${sent.group.name} (${shortId(sent.message.id)}).`
        )
        return
      }
      if (words.length > 0 && !(words.length === 1 && words[0] === '-')) {
        const wait = options.kept === true ? { waitKeptMs: KEPT_WAIT_MS } : {}
        const sent = await client.post<SendResponse>(groupPath(group, '/messages'), { text: words.join(' '), ...reply, ...wait })
        out.data(sent)
        const timer = sent.message.expires === undefined ? '' : ` It disappears ${disappearsIn(sent.message.expires, Date.now())}.`
        out.line(`Sent to ${sent.group.name} (${shortId(sent.message.id)}).${timer}`)
        if (options.kept === true) out.line(keptLine(sent.mailboxes))
        return
      }
      if (process.stdin.isTTY) throw new UsageError('write the message after the group, or pipe lines into `causette send <group> -`')
      let sent = 0
      for await (const line of createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
        if (line.trim() === '') continue
        // one request per line: each is durable before the next is sent
        out.data(await client.post<SendResponse>(groupPath(group, '/messages'), { text: line, ...reply }))
        sent++
      }
      out.line(`Sent ${sent} message${sent === 1 ? '' : 's'}.`)
    })

  program
    .command('history')
    .description('show the latest messages of a group, oldest first')
    .argument('<group>', 'group name, id, or the start of its id')
    .option('-n, --limit <count>', 'how many messages (1 to 1000)', count(1000), 50)
    .option('--before <message>', 'only messages before this one (its id, or the start of it): the next page back')
    .action(async (group: string, options: { limit: number; before?: string }, command: Command) => {
      const { out, connect } = contextOf(command)
      const query = new URLSearchParams({ limit: String(options.limit), ...(options.before === undefined ? {} : { before: options.before }) })
      const page = await (await connect()).get<HistoryResponse>(groupPath(group, `/messages?${query}`))
      out.data(page)
      for (const m of page.messages) {
        out.line(formatMessage(m, page.authors))
        // said once someone has seen it: a history of people who read with the CLI alone would say "not seen" everywhere
        if (page.seen?.message === m.id && page.seen.by.length > 0) out.line(`    ${seenLine(page.seen, page.authors)}`)
      }
      if (page.messages.length === 0) out.note(`No messages in ${page.group.name} yet.`)
      const first = page.messages[0]
      if (page.hasOlder && first !== undefined) out.note(`Older messages: causette history ${shortId(page.group.id)} --before ${shortId(first.id)}`)
    })

  program
    .command('tail')
    .description('show the latest messages of a group, then each new one as it arrives (Ctrl-C ends)')
    .argument('<group>', 'group name, id, or the start of its id')
    .option('-n, --lines <count>', 'how many earlier messages to show first (0 to 1000)', count(1000, 0), 10)
    .action(async (group: string, options: { lines: number }, command: Command) => {
      const { out, connect } = contextOf(command)
      await tail(await connect(), out, group, options.lines)
    })

  program
    .command('search')
    .description('find messages by words, whatever their case and accents ("ecole" finds "École")')
    .argument('<group-and-words...>', 'the group (name, id or start of id) then the words; with --all, only the words')
    .option('--all', 'search every group')
    .option('-n, --limit <count>', 'at most this many results, newest first (1 to 500)', count(500), 50)
    .action(async (args: string[], options: { all?: boolean; limit: number }, command: Command) => {
      const { out, connect } = contextOf(command)
      const [group, ...words] = options.all === true ? [undefined, ...args] : args
      if (words.length === 0) throw new UsageError('give a group (or --all) and the words to search for, e.g. causette search Climbing sunday')
      const query = new URLSearchParams({ q: words.join(' '), limit: String(options.limit), ...(group === undefined ? {} : { group }) })
      const found = await (await connect()).get<SearchResponse>(`/v1/search?${query}`)
      out.data(found)
      if (found.results.length === 0) out.note(`Nothing found for "${found.query}".`)
      for (const r of found.results) out.line(`${group === undefined ? `${r.group.name}  ` : ''}${formatMessage(r.message, found.authors)}`)
    })

  program
    .command('mentions')
    .description('the latest messages that mention you (@YourName), newest first, in one group or all')
    .argument('[group]', 'only this group (name, id or start of id)')
    .option('-n, --limit <count>', 'at most this many (1 to 500)', count(500), 50)
    .action(async (group: string | undefined, options: { limit: number }, command: Command) => {
      const { out, connect } = contextOf(command)
      const query = new URLSearchParams({ limit: String(options.limit), ...(group === undefined ? {} : { group }) })
      const found = await (await connect()).get<SearchResponse>(`/v1/mentions?${query}`)
      out.data(found)
      if (found.results.length === 0) out.note('No message mentions you.')
      for (const r of found.results) out.line(`${group === undefined ? `${r.group.name}  ` : ''}${formatMessage(r.message, found.authors)}`)
    })

  program
    .command('export')
    .description("write a group's readable history as JSON lines (one message per line, oldest first)")
    .argument('<group>', 'group name, id, or the start of its id')
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .action(async (group: string, options: { output?: string }, command: Command) => {
      const { out, connect } = contextOf(command)
      const client = await connect()
      const sink = options.output === undefined ? process.stdout : createWriteStream(options.output, { mode: 0o600 })
      let lines = 0
      for await (const chunk of client.stream(groupPath(group, '/export'))) {
        lines += chunk.split('\n').length - 1
        if (!sink.write(chunk)) await once(sink, 'drain')
      }
      if (sink !== process.stdout) {
        sink.end()
        await once(sink, 'finish')
        out.note(`Wrote ${lines} message${lines === 1 ? '' : 's'} to ${options.output}.`)
      }
    })
}

/** Prints the latest messages, then follows the event stream; returns when the daemon stops. */
async function tail(client: ApiClient, out: Output, group: string, lines: number): Promise<void> {
  const { group: found } = await client.get<{ group: GroupRef }>(groupPath(group))
  // subscribe first, so nothing written between the two requests is missed
  const events = await client.events({ group: found.id, types: 'message,typing,messages:erased' })
  const recent = await client.get<HistoryResponse>(groupPath(found.id, `/messages?limit=${Math.max(lines, 1)}`))
  const shown = recent.messages.slice(recent.messages.length - lines)
  const seen = new Set(shown.map((m) => m.id))
  for (const m of shown) print(out, m, recent.authors[m.author], true, recent.authors)
  out.note(`Following ${found.name}; Ctrl-C to stop.`)
  for await (const event of events) {
    if (event.type === 'typing') {
      if (event.typing) {
        out.data({ typing: event.author })
        out.line(`… ${event.author.name ?? `member ${event.author.fingerprint.slice(0, 11)}`} is typing`)
      }
      continue
    }
    if (event.type === 'messages:erased') {
      const gone = event.ids.filter((id) => seen.has(id))
      out.data({ erased: event.ids })
      if (gone.length > 0) out.line(`(${gone.length === 1 ? `${shortId(gone[0] as string)} disappeared` : `${gone.length} messages disappeared`})`)
      continue
    }
    if (event.type !== 'message') continue
    // a message the history above already showed comes through once more only if it changed
    if (event.isNew && seen.has(event.message.id)) continue
    seen.add(event.message.id)
    print(out, event.message, event.author, event.isNew, { ...event.authors, [event.message.author]: event.author })
  }
  out.note('The daemon stopped.')
  process.exitCode = 1
}

function print(
  out: Output,
  message: HistoryResponse['messages'][number],
  author: AuthorView | undefined,
  isNew: boolean,
  authors: Record<string, AuthorView>
): void {
  out.data({ message, ...(author === undefined ? {} : { author }), isNew })
  out.line(`${isNew ? '' : '(changed) '}${formatMessage(message, authors)}`)
}

function count(max: number, min = 1): (value: string) => number {
  return (value) => {
    const n = /^\d{1,6}$/.test(value) ? Number(value) : Number.NaN
    if (!(n >= min && n <= max)) throw new InvalidArgumentError(`give a whole number from ${min} to ${max}`)
    return n
  }
}
