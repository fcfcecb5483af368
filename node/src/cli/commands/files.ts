/** `causette files` and `save`: the files a group's messages carry, and saving one (fetched from members where this device lacks it). */
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { type Command, InvalidArgumentError } from 'commander'
import type { HistoryResponse } from '../../api/api-types.ts'
import { UsageError } from '../../errors.ts'
import { pathExists } from '../../path-exists.ts'
import { contextOf, groupPath } from '../command-context.ts'
import { authorLabel, fileSize, formatTime, shortId } from '../message-format.ts'
import { megabytesOf, ProgressNote } from '../progress-note.ts'

/** How far back `files` looks. */
const FILES_PAGE = 1000

export function registerFiles(program: Command): void {
  program
    .command('files')
    .description("list the files a group's messages carry, newest last (of its latest 1,000 messages)")
    .argument('<group>', 'group name, id, or the start of its id')
    .action(async (group: string, _options: object, command: Command) => {
      const { out, connect } = contextOf(command)
      const page = await (await connect()).get<HistoryResponse>(groupPath(group, `/messages?limit=${FILES_PAGE}`))
      const withFiles = page.messages.filter((m) => (m.files?.length ?? 0) > 0)
      out.data({ group: page.group, messages: withFiles, authors: page.authors })
      if (withFiles.length === 0) out.note(`No files in ${page.group.name} yet.`)
      for (const m of withFiles) {
        for (const [i, f] of (m.files ?? []).entries()) {
          const index = (m.files?.length ?? 0) > 1 ? ` --index ${i}` : ''
          out.line(
            `[${formatTime(m.time)}] ${authorLabel(page.authors[m.author], m.author)}: 📎 ${f.name} (${fileSize(f.size)}${f.type === '' ? '' : `, ${f.type}`})  ${shortId(m.id)}${index}`
          )
        }
      }
    })

  program
    .command('save')
    .description("save a message's file, fetching what this device lacks from the group's members, with progress")
    .argument('<group>', 'group name, id, or the start of its id')
    .argument('<message>', 'the message id, or its start (as `files` shows it)')
    .option('-o, --output <path>', "where to write it (default: the file's own name, here); an existing file is not replaced")
    .option('--index <n>', 'which of the message’s files, from 0', index, 0)
    .action(async (group: string, message: string, options: { output?: string; index: number }, command: Command) => {
      const { out, connect } = contextOf(command)
      const client = await connect()
      const refuseExisting = async (target: string) => {
        if (await pathExists(target)) throw new UsageError(`${target} exists already; nothing was written: choose another name with -o`)
      }
      if (options.output !== undefined) await refuseExisting(resolve(options.output))
      const download = await client.download(groupPath(group, `/messages/${encodeURIComponent(message)}/files/${options.index}`))
      const { length, chunks } = download
      // the daemon names the file in its answer
      const name = download.name ?? `file-${message}`
      const target = resolve(options.output ?? safeName(name))
      await refuseExisting(target)
      const total = length ?? 0
      const progress = new ProgressNote(out, `Saving ${name}`, megabytesOf)
      const partial = join(resolve(target, '..'), `.${basename(target)}.${process.pid}.part`)
      const sink = createWriteStream(partial, { mode: 0o600 })
      let written = 0
      try {
        for await (const chunk of chunks) {
          if (!sink.write(chunk)) await once(sink, 'drain')
          written += chunk.byteLength
          progress.update(written, total)
        }
        sink.end()
        await once(sink, 'finish')
        if (length !== undefined && written !== length)
          throw new UsageError(`the daemon sent ${written} of the file's ${length} bytes; nothing was saved: try again`)
        await rename(partial, target)
      } catch (err) {
        sink.destroy()
        await rm(partial, { force: true })
        throw err
      }
      progress.finish(written, total)
      out.data({ saved: target, bytes: written })
      out.line(`Saved ${name} (${fileSize(written)}) to ${target}.`)
    })
}

/** A name another person chose, made safe to write here: no directories, no hidden file. */
function safeName(name: string): string {
  const visible = [...name].filter((c) => c.charCodeAt(0) >= 32).join('')
  const plain = basename(visible.replaceAll('\\', '/')).replace(/^\.+/, '')
  return plain === '' ? 'file' : plain
}

function index(value: string): number {
  const n = /^\d{1,2}$/.test(value) ? Number(value) : Number.NaN
  if (!(n >= 0 && n < 10)) throw new InvalidArgumentError('a file index is a whole number from 0 to 9')
  return n
}
