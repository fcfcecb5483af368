/**
 * Reading a backup's records back, in the order a backup holds them, into a
 * target that writes them (the daemon's new data directory, a browser
 * tab's IndexedDB): a record out of place, counts that disagree with the
 * end record, or a stream that ends before it, are refused by name, so the
 * target can drop what it wrote. The target decides how entries go in (a
 * GroupLog over its store, trusted: they are the device's own, and the
 * backup's encryption authenticates them).
 */
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { type DeviceKey, deviceKeyFromBytes } from '../identity/device-key.ts'
import { BackupContentError } from './backup-errors.ts'
import {
  type BackupAbout,
  type BackupEnd,
  type BackupGroup,
  type BackupRecord,
  type BackupSettings,
  decodeEntries,
  decodeJson,
  RECORD,
  RecordReader
} from './backup-records.ts'

export interface RestoredGroup {
  id: string
  name: string
  /** Entries in the backup. */
  entries: number
  /** Entries the restored store holds. */
  restored: number
}

export interface RestoreSummary {
  /** The restored device's peer id: the same as the device the backup was made on. */
  peerId: string
  createdAt: number
  groups: RestoredGroup[]
  entries: number
  /** Entries the log did not take (written while the backup ran, their parents missing); sync brings them. */
  leftOut: number
}

/** Entries restored so far, of those the backup says it holds. */
export type RestoreProgress = (restored: number, total: number) => void

/** Takes a group's entries, a record at a time, and answers how many its log added. */
export type GroupIntake = (entries: Uint8Array[]) => Promise<number>

/** Where a restore writes. Called in the backup's order; nothing is kept unless the restore completes. */
export interface RestoreTarget {
  deviceKey(key: DeviceKey, bytes: Uint8Array): Promise<void>
  settings(saved: BackupSettings): Promise<void>
  group(record: BackupGroup, key: DeviceKey): Promise<GroupIntake>
}

/** Reads the plaintext of a backup into `target`; throws BackupContentError when it is not whole and in order. */
export async function restoreRecords(
  plaintext: AsyncIterable<Uint8Array>,
  target: RestoreTarget,
  onProgress?: RestoreProgress
): Promise<RestoreSummary> {
  const reading = new RecordOrder(target, onProgress)
  const reader = new RecordReader()
  for await (const piece of plaintext) for (const record of reader.push(piece)) await reading.take(record)
  if (reader.partial) throw new BackupContentError('the backup ends in the middle of a record')
  return reading.finish()
}

class RecordOrder {
  private readonly target: RestoreTarget
  private readonly onProgress: RestoreProgress | undefined
  private about?: BackupAbout
  private key?: DeviceKey
  private settings = false
  private group?: { record: BackupGroup; intake: GroupIntake; received: number; added: number }
  private readonly groups: RestoredGroup[] = []
  private received = 0
  private end?: BackupEnd

  constructor(target: RestoreTarget, onProgress?: RestoreProgress) {
    this.target = target
    this.onProgress = onProgress
  }

  async take(record: BackupRecord): Promise<void> {
    if (this.end !== undefined) throw new BackupContentError('the backup holds records after its end')
    switch (record.type) {
      case RECORD.about:
        this.expect(this.about === undefined, 'about')
        this.about = decodeJson<BackupAbout>(record)
        return
      case RECORD.deviceKey:
        this.expect(this.about !== undefined && this.key === undefined, 'device key')
        this.key = deviceKeyFromBytes(record.payload)
        await this.target.deviceKey(this.key, record.payload)
        return
      case RECORD.settings:
        this.expect(this.key !== undefined && !this.settings, 'settings')
        await this.target.settings(decodeJson<BackupSettings>(record))
        this.settings = true
        return
      case RECORD.group: {
        this.expect(this.settings, 'group')
        this.closeGroup()
        const group = decodeJson<BackupGroup>(record)
        this.group = { record: group, intake: await this.target.group(group, this.key as DeviceKey), received: 0, added: 0 }
        return
      }
      case RECORD.entries: {
        this.expect(this.group !== undefined, 'entries')
        const group = this.group as NonNullable<RecordOrder['group']>
        const entries = decodeEntries(record.payload)
        group.added += await group.intake(entries)
        group.received += entries.length
        this.received += entries.length
        this.onProgress?.(this.received, Math.max(this.about?.entries ?? 0, this.received))
        return
      }
      case RECORD.end:
        this.expect(this.settings, 'end')
        this.closeGroup()
        this.end = decodeJson<BackupEnd>(record)
        return
    }
  }

  /** Checks the backup was whole. */
  finish(): RestoreSummary {
    const { end, about } = this
    if (end === undefined || about === undefined) throw new BackupContentError('the backup ends before its end record: it is incomplete')
    if (end.groups !== this.groups.length || end.entries !== this.received) {
      throw new BackupContentError(
        `the backup says it holds ${end.groups} groups and ${end.entries} entries, but ${this.groups.length} and ${this.received} were read`
      )
    }
    const restored = this.groups.reduce((n, g) => n + g.restored, 0)
    return {
      peerId: peerIdFromPrivateKey((this.key as DeviceKey).privateKey).toString(),
      createdAt: about.createdAt,
      groups: this.groups,
      entries: this.received,
      leftOut: this.received - restored
    }
  }

  private expect(inOrder: boolean, what: string): void {
    if (!inOrder) throw new BackupContentError(`the backup's ${what} record is out of place: it was not written by Causette`)
  }

  private closeGroup(): void {
    const group = this.group
    if (group === undefined) return
    this.groups.push({ id: group.record.id, name: group.record.name, entries: group.received, restored: group.added })
    this.group = undefined
  }
}
