/**
 * `causette bundle` and `import`: a group's entries carried by file, for
 * devices that never share a network (a USB stick). Both go through the
 * running daemon. The bundle is checked as it is written, so a cut stream
 * leaves no file; an import is checked whole by the daemon before anything
 * is added (bundle/bundle-import.ts). docs/backups.md describes the file.
 */
import { resolve } from 'node:path'
import type { Command } from 'commander'
import type { DaemonEvent, GroupStatusView, ImportResponse } from '../../api/api-types.ts'
import { writeFileAtomically } from '../../data-dir.ts'
import type { ApiClient } from '../api-client.ts'
import { contextOf, groupPath } from '../command-context.ts'
import { count, shortId } from '../message-format.ts'
import type { Output } from '../output.ts'
import { ProgressNote } from '../progress-note.ts'

export function registerBundles(program: Command): void {
  program
    .command('bundle')
    .description("write a group's entries to a file, to carry to a member's device that has no network to yours")
    .argument('<group>', 'group name, id, or the start of its id')
    .requiredOption('-o, --output <file>', 'the bundle file to write (replaced whole once complete)')
    .addHelpText(
      'after',
      "\nA bundle is not encrypted as a whole, but every message in it is, end to end: it shows the group's id,\nits members' device keys and the size and time of each entry, never what was written."
    )
    .action(async (group: string, options: { output: string }, command: Command) => {
      const { out, connect } = contextOf(command)
      const client = await connect()
      const target = resolve(options.output)
      const { group: found } = await client.get<{ group: GroupStatusView }>(groupPath(group))
      const progress = new ProgressNote(out, `Bundling ${found.name}`)
      const { BundleReader } = await bundleFormat()
      const reader = new BundleReader(`the bundle of ${found.name} from the daemon`)
      // read on its way to the file: a stream cut short, or damaged, is refused before the file takes its name
      async function* checked(): AsyncGenerator<Uint8Array> {
        for await (const piece of client.bytes(groupPath(found.id, '/bundle'))) {
          reader.push(piece)
          progress.update(reader.count, found.entries)
          yield piece
        }
        reader.finish()
      }
      await writeFileAtomically(target, checked())
      progress.finish(reader.count, reader.count)
      out.data({ file: target, group: { id: found.id, name: found.name }, entries: reader.count })
      out.line(`Wrote ${count(reader.count, 'entry', 'entries')} of ${found.name} (${shortId(found.id)}) to ${target}.`)
      out.note(`On a member's device: causette import ${target}`)
    })

  program
    .command('import')
    .description('add the entries of a group bundle to that group on this device, checked like entries from a peer')
    .argument('<file>', 'a file written by `causette bundle`')
    .action(async (file: string, _options: object, command: Command) => {
      const { out, connect } = contextOf(command)
      const path = resolve(file)
      const size = await checkHeader(path)
      const client = await connect()
      const follow = await followProgress(client, out)
      let result: ImportResponse
      try {
        result = await client.upload<ImportResponse>('/v1/bundles', path)
      } catch (err) {
        await follow.stop(false)
        throw err
      }
      await follow.stop(true)
      out.data({ file: path, bytes: size, ...result })
      const held = result.duplicates === 0 ? '' : ` (${thousandsOf(result.duplicates)} already here)`
      out.line(`Imported ${count(result.added, 'new entry', 'new entries')} into ${result.group.name} (${shortId(result.group.id)})${held}.`)
      if (result.pending > 0) {
        out.note(
          `${count(result.pending, 'entry waits', 'entries wait')} for earlier entries the bundle lacks; they are added when sync or another bundle brings those.`
        )
      }
      if (result.rejected > 0)
        out.note(`${count(result.rejected, 'entry was', 'entries were')} refused by the group's rules: ${result.reasons.join('; ')}`)
    })
}

/** The bundle format's code (core's backups entry, with its crypto): loaded when a bundle command runs, not with every command. */
function bundleFormat(): Promise<typeof import('@causette/core/backups')> {
  return import('@causette/core/backups')
}

function thousandsOf(n: number): string {
  return count(n, '', '').trim()
}

/** Refuses a file that is not a bundle before the daemon is bothered with it; its size otherwise. */
async function checkHeader(path: string): Promise<number> {
  const [{ BUNDLE_HEADER_BYTES, BundleReader }, { openToRead }] = await Promise.all([bundleFormat(), import('../../backup/file-to-read.ts')])
  const file = await openToRead(path)
  try {
    const start = Buffer.alloc(BUNDLE_HEADER_BYTES)
    const { bytesRead } = await file.read(start, 0, start.byteLength, 0)
    const reader = new BundleReader(path)
    reader.push(start.subarray(0, bytesRead))
    if (reader.groupId === undefined) reader.finish()
    return (await file.stat()).size
  } finally {
    await file.close()
  }
}

/** How long the last progress events may lag the import's answer. */
const GRACE_MS = 1000

/** Prints the daemon's bundle:progress events until stopped, the last of them included. */
async function followProgress(client: ApiClient, out: Output): Promise<{ stop: (imported: boolean) => Promise<void> }> {
  const abort = new AbortController()
  const events = await client.events({ types: 'bundle:progress' }, abort.signal)
  const notes = { checking: new ProgressNote(out, 'Checking the bundle'), adding: new ProgressNote(out, 'Importing') }
  const { promise: added, resolve: allAdded } = Promise.withResolvers<void>()
  const done = (async () => {
    for await (const e of events as AsyncGenerator<DaemonEvent>) {
      if (e.type !== 'bundle:progress') continue
      notes[e.stage].update(e.done, e.total)
      if (e.stage === 'adding' && e.done === e.total) allAdded()
    }
  })().catch(() => undefined)
  return {
    /** After an import that went through, the last progress lines are let through first. */
    stop: async (imported) => {
      if (imported) {
        const grace = setTimeout(allAdded, GRACE_MS)
        await Promise.race([added, done])
        clearTimeout(grace)
      }
      abort.abort()
      await done
    }
  }
}
