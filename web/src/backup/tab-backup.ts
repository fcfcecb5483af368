/**
 * Backing up this tab's device into a file the browser saves: its key,
 * settings, groups and their entries, sealed under a passphrase — the same
 * file `causette backup` writes (core/src/backup), so `causette restore`
 * makes a daemon of it, and another tab restores it. The key is derived in
 * a worker; the file is made in memory (a Blob) and then saved.
 */
import { deviceKeyToBytes } from '@causette/core'
import { backupRecords, backupSealer, MIN_PASSPHRASE_LENGTH, passphraseLength, WeakPassphraseError } from '@causette/core/backups'
import type { Session } from '../app/session.ts'
import { settingsOfTab } from './backup-settings.ts'
import { blobOf, fileNameOf } from './file-bytes.ts'
import type { BackupStep } from './progress-text.ts'
import { deriveInWorker } from './worker-kdf.ts'

export interface TabBackup {
  file: Blob
  name: string
  groups: number
  entries: number
}

/** Refuses a passphrase too short for a new backup, as the CLI does. */
export function assertStrongPassphrase(passphrase: string): void {
  const length = passphraseLength(passphrase)
  if (length < MIN_PASSPHRASE_LENGTH) throw new WeakPassphraseError(MIN_PASSPHRASE_LENGTH, length)
}

export async function backUpTab(session: Session, passphrase: string, onStep: (step: BackupStep) => void): Promise<TabBackup> {
  assertStrongPassphrase(passphrase)
  onStep({ kind: 'key', done: 0 })
  const sealer = await backupSealer(passphrase, { derive: deriveInWorker, onProgress: (done) => onStep({ kind: 'key', done }) })
  const settings = await settingsOfTab(session.identity)
  let entries = 0
  const records = backupRecords({
    deviceKey: deviceKeyToBytes(session.peer.key),
    store: session.store,
    settings,
    onProgress: (written, total) => {
      entries = written
      onStep({ kind: 'entries', done: written, total })
    }
  })
  const file = await blobOf(sealer.seal(records))
  const who = fileNameOf(settings.settings['name'] ?? '', 'device')
  return { file, name: `causette-${who}-${new Date().toISOString().slice(0, 10)}.backup`, groups: session.peer.groups().length, entries }
}
