/**
 * `causette backup` and `restore`: this device — its key, settings, groups
 * and their entries — in one file sealed under a passphrase, and back into
 * a new data directory. The backup is taken through the running daemon, or
 * from the data directory itself when no daemon runs; the passphrase stays
 * in this process. docs/backups.md describes the file.
 */
import { resolve } from 'node:path'
import type { BackupAbout, BackupEnd } from '@causette/core/backups'
import type { Command } from 'commander'
import { homeFlag } from '../../data-dir.ts'
import type { ApiClient } from '../api-client.ts'
import { contextOf } from '../command-context.ts'
import { count, formatTime, shortId } from '../message-format.ts'
import { ProgressNote } from '../progress-note.ts'

interface PassphraseFlags {
  passphraseStdin?: boolean
}

export function registerBackups(program: Command): void {
  program
    .command('backup')
    .description("write this device's key, settings, groups and their history to one file, encrypted under a passphrase")
    .requiredOption('-o, --output <file>', 'the backup file to write (replaced whole once complete, readable by you only)')
    .option('--passphrase-stdin', 'read the passphrase from the first line of standard input instead of asking for it')
    .addHelpText(
      'after',
      '\nWorks with the daemon running (through it) or stopped. Keep the file and the passphrase apart: the file alone\nopens nothing, but with the passphrase it is this device. `causette restore <file>` brings it back.'
    )
    .action(async (options: PassphraseFlags & { output: string }, command: Command) => {
      const { home, out, connect } = contextOf(command)
      const target = resolve(options.output)
      const source = await backupSource(home, connect)
      const [{ writeBackupFile }, { BackupContentError, RecordReader, RECORD, decodeEntries, decodeJson }, { readPassphrase }] = await Promise.all([
        import('../../backup/backup-file.ts'),
        import('@causette/core/backups'),
        import('../passphrase.ts')
      ])
      const passphrase = await readPassphrase({ fromStdin: options.passphraseStdin === true, creating: true })
      const progress = new ProgressNote(out, 'Backing up')
      let about: BackupAbout | undefined
      let end: BackupEnd | undefined
      let entries = 0
      // records are read on their way to the file, for the progress and to know the backup is whole
      async function* counted(): AsyncGenerator<Uint8Array> {
        const reader = new RecordReader()
        for await (const piece of source.records()) {
          for (const record of reader.push(piece)) {
            if (record.type === RECORD.about) about = decodeJson<BackupAbout>(record)
            else if (record.type === RECORD.end) end = decodeJson<BackupEnd>(record)
            else if (record.type === RECORD.entries) {
              entries += decodeEntries(record.payload).length
              progress.update(entries, about?.entries ?? 0)
            }
          }
          yield piece
        }
        if (end === undefined || reader.partial) throw new BackupContentError(`the backup ${source.from} ended before its end; nothing was written`)
      }
      out.note(`Backing up ${source.from}…`)
      await writeBackupFile(target, passphrase, counted())
      progress.finish(entries, entries)
      const groups = end?.groups ?? 0
      out.data({ file: target, groups, entries, through: source.through })
      out.line(`Backed up this device (its key and settings), ${count(groups, 'group')} and ${count(entries, 'entry', 'entries')} to ${target}.`)
      out.note('Keep the file somewhere safe, and the passphrase apart from it: without the passphrase nothing in it can be read, or restored.')
    })

  program
    .command('restore')
    .description('restore a backup into a new data directory: the same device, with its settings, groups and history')
    .argument('<file>', 'a file written by `causette backup`')
    .option('--passphrase-stdin', 'read the passphrase from the first line of standard input instead of asking for it')
    .addHelpText(
      'after',
      '\nThe data directory (--home) must not hold a device yet: nothing is ever overwritten. Start the daemon afterwards;\nit catches up with its groups by sync. Stop using the device the backup was made on.'
    )
    .action(async (file: string, options: PassphraseFlags, command: Command) => {
      const { home, out } = contextOf(command)
      const [{ assertRestorable }, { readBackupHeader, unlockBackup, openBackupFile }, { restoreInto }, { readPassphrase }] = await Promise.all([
        import('../../backup/restore-target.ts'),
        import('../../backup/backup-file.ts'),
        import('../../backup/restore.ts'),
        import('../passphrase.ts')
      ])
      await assertRestorable(home)
      const path = resolve(file)
      const header = await readBackupHeader(path)
      const passphrase = await readPassphrase({ fromStdin: options.passphraseStdin === true, creating: false })
      out.note('Opening the backup (deriving its key takes a moment)…')
      const keys = await unlockBackup(path, header, passphrase)
      const progress = new ProgressNote(out, 'Restoring')
      const summary = await restoreInto(home, openBackupFile(path, header, keys), (done, total) => progress.update(done, total))
      progress.finish(summary.entries, summary.entries)
      out.data({ home, ...summary })
      out.line(
        `Restored device ${summary.peerId} into ${home}: ${count(summary.groups.length, 'group')}, ${count(summary.entries, 'entry', 'entries')}, as backed up on ${formatTime(summary.createdAt)}.`
      )
      for (const g of summary.groups) out.line(`  ${shortId(g.id)}  ${g.name || '(no name yet)'}  ${count(g.restored, 'entry', 'entries')}`)
      if (summary.leftOut > 0)
        out.note(`${count(summary.leftOut, 'entry was', 'entries were')} written while the backup ran and left out; sync brings them back.`)
      out.note(
        `Start it with \`causette start${homeFlag(home)}\`: it catches up with its groups by sync. Do not run the old device any more (one key on two devices confuses its groups).`
      )
    })
}

interface BackupSourceChoice {
  records: () => AsyncIterable<Uint8Array>
  /** Where the backup is taken from, as a note says it. */
  from: string
  through: 'daemon' | 'data directory'
}

/** Through the running daemon if there is one, else from the data directory itself. */
async function backupSource(home: string, connect: () => Promise<ApiClient>): Promise<BackupSourceChoice> {
  try {
    const client = await connect()
    return { records: () => client.bytes('/v1/backup'), from: 'from the running daemon', through: 'daemon' }
  } catch (err) {
    if ((err as Error).name !== 'DaemonNotRunningError') throw err
  }
  const { readDeviceKey, stoppedDirectoryRecords } = await import('../../backup/backup-source.ts')
  // checked before the passphrase is asked for
  await readDeviceKey(home)
  return { records: () => stoppedDirectoryRecords(home), from: `from ${home} (no daemon is running)`, through: 'data directory' }
}
