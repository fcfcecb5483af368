/**
 * Restoring a backup (a tab's or a daemon's: one format) into a tab that is
 * not a device yet — the first run, no group held. The file's header is
 * read first (not a backup, a newer format: refused before the passphrase
 * is asked), the key derived in a worker (a wrong passphrase is refused by
 * the header's check value), then each group goes into this tab's store
 * through a GroupLog, as `causette restore` does in a data directory. Only
 * when the backup's end record has arrived and its counts agree does the
 * tab take the backup's key and settings; on any failure the groups written
 * are deleted, so nothing remains. A restore cut short by a closed tab is
 * cleared at the next start (interrupted-restore.ts). The page then
 * reloads as the restored device.
 */
import { type DeviceKey, fromHex, GroupLog, toHex } from '@causette/core'
import {
  type BackupGroup,
  type BackupHeader,
  type BackupSettings,
  type GroupIntake,
  openBackup,
  type RestoreSummary,
  type RestoreTarget,
  readBackupHeader,
  restoreRecords,
  unlockBackup
} from '@causette/core/backups'
import type { Session } from '../app/session.ts'
import type { RestoredSettings } from '../peer/device-identity.ts'
import { tabSettingsOf } from './backup-settings.ts'
import { piecesOf, readAtOf } from './file-bytes.ts'
import type { BackupStep } from './progress-text.ts'
import { deriveInWorker } from './worker-kdf.ts'

const HINTS = {
  bundle: 'it is a group bundle: import it with “Import a bundle” (under “Backup”) in a tab that holds its group'
}

/** A tab that holds groups already: restoring would mix two devices. */
export class TabInUseError extends Error {
  static override name = 'TabInUseError'
  override name = 'TabInUseError'
  constructor(groups: number) {
    super(
      `this browser holds ${groups} group${groups === 1 ? '' : 's'} already; restoring would mix two devices, so nothing was restored: restore in another browser profile (or a private window)`
    )
  }
}

/** How errors name the file: as the person picked it, quoted. */
function nameOf(file: File): string {
  return `“${file.name}”`
}

/** The backup's header, checked before any passphrase is asked for. */
export function readBackupFile(file: File): Promise<BackupHeader> {
  return readBackupHeader(nameOf(file), readAtOf(file), HINTS)
}

export async function restoreIntoTab(session: Session, file: File, passphrase: string, onStep: (step: BackupStep) => void): Promise<RestoreSummary> {
  const header = await readBackupFile(file)
  const held = Math.max(session.peer.groups().length, (await session.store.listGroups()).length)
  if (held > 0) throw new TabInUseError(held)
  onStep({ kind: 'key', done: 0 })
  const keys = await unlockBackup(nameOf(file), header, passphrase, { derive: deriveInWorker, onProgress: (done) => onStep({ kind: 'key', done }) })
  const target = new TabTarget(session)
  await session.identity.setRestoring(true)
  try {
    const summary = await restoreRecords(openBackup(nameOf(file), header, keys, piecesOf(file, header.bytes.byteLength)), target, (done, total) =>
      onStep({ kind: 'entries', done, total })
    )
    const device = target.device()
    await session.identity.adoptRestored(device.key, device.settings)
    return summary
  } catch (err) {
    await target.undo()
    await session.identity.setRestoring(false)
    throw err
  } finally {
    keys.key.fill(0)
  }
}

/** Writes the records into this tab's store, and keeps the key and settings for the end. */
class TabTarget implements RestoreTarget {
  private readonly session: Session
  private readonly written: Uint8Array[] = []
  private restored?: { key: DeviceKey; bytes: Uint8Array }
  private saved: BackupSettings = { settings: {}, blocked: [], verified: [], knownPeers: [] }

  constructor(session: Session) {
    this.session = session
  }

  async deviceKey(key: DeviceKey, bytes: Uint8Array): Promise<void> {
    this.restored = { key, bytes: bytes.slice() }
    // the restored device's own entries are written durably, as they will be once the tab starts as it
    this.durableAuthor(key.publicKey)
  }

  async settings(saved: BackupSettings): Promise<void> {
    this.saved = saved
  }

  async group(record: BackupGroup, key: DeviceKey): Promise<GroupIntake> {
    const { store } = this.session
    const id = fromHex(record.id)
    const secret = fromHex(record.secret)
    this.written.push(id)
    await store.putGroup({ id, secret, name: record.name, addedAt: record.addedAt })
    const log = await GroupLog.open({ groupId: id, secret, key, store })
    return async (entries) => (await log.add(entries, { trusted: true, source: 'import' })).added.length
  }

  /** The restored key's 64 bytes and the settings in the tab's shapes (restoreRecords has checked a key came). */
  device(): { key: Uint8Array; settings: RestoredSettings } {
    const restored = this.restored as NonNullable<TabTarget['restored']>
    return { key: restored.bytes, settings: tabSettingsOf(this.saved, toHex(restored.key.publicKey)) }
  }

  /** Deletes every group this restore wrote; the tab is again the device it was. */
  async undo(): Promise<void> {
    for (const id of this.written) await this.session.store.deleteGroup(id).catch(() => undefined)
    this.durableAuthor(this.session.peer.key.publicKey)
  }

  /** Whose entries the tab's store writes with strict durability (IndexedDbStore's choice; other stores write all alike). */
  private durableAuthor(author: Uint8Array): void {
    const store = this.session.store as { setDurableAuthor?: (author: Uint8Array) => void }
    store.setDurableAuthor?.(author)
  }
}
