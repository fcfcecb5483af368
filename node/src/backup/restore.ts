/**
 * Restoring a backup into a data directory, all or nothing: the records
 * (backup-records.ts) are written into a new store in a directory of its
 * own (restore-target.ts) — the device key, the daemon's tables, each group
 * with its entries — and that directory takes the target's place only once
 * the backup's end record has arrived and its counts agree.
 *
 * Each group's entries go through a GroupLog over the new store, as a daemon
 * opening its store would take them (trusted: they are this device's own,
 * and the backup's encryption authenticates them), so the store is written
 * with its facts and view and the restored daemon starts without re-reading
 * its history. What the log does not accept — an entry whose parents were
 * written after the backup began — is left out; sync brings it back.
 */
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { type DeviceKey, deviceKeyFromBytes, fromHex, GroupLog } from '@causette/core'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { DATABASE_FILE, DEVICE_KEY_FILE, writePrivateFile } from '../data-dir.ts'
import { SqliteStore } from '../store/sqlite-store.ts'
import { wasmXChaCha } from '../wasm-xchacha.ts'
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
import { BackupContentError } from './errors.ts'
import { assertRestorable, moveIntoPlace, removeInterruptedRestores, restoreWorkDir } from './restore-target.ts'

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

/** Restores the plaintext of a backup into `home`, which assertRestorable cleared; nothing changes there unless all of it went in. */
export async function restoreInto(home: string, plaintext: AsyncIterable<Uint8Array>, onProgress?: RestoreProgress): Promise<RestoreSummary> {
  const work = restoreWorkDir(home)
  await removeInterruptedRestores(home)
  await rm(work, { recursive: true, force: true })
  await mkdir(work, { recursive: true, mode: 0o700 })
  let writer: RestoreWriter | undefined
  try {
    writer = new RestoreWriter(work, await SqliteStore.open(join(work, DATABASE_FILE)), onProgress)
    const reader = new RecordReader()
    for await (const piece of plaintext) for (const record of reader.push(piece)) await writer.take(record)
    if (reader.partial) throw new BackupContentError('the backup ends in the middle of a record')
    const summary = await writer.finish()
    // again: a daemon may have started on the directory while the restore ran
    await assertRestorable(home)
    await moveIntoPlace(work, home)
    return summary
  } catch (err) {
    await writer?.close()
    await rm(work, { recursive: true, force: true })
    throw err
  }
}

/** Takes the records in order and writes them into the new store. */
class RestoreWriter {
  private readonly work: string
  private readonly store: SqliteStore
  private readonly onProgress: RestoreProgress | undefined
  private about?: BackupAbout
  private key?: DeviceKey
  private settings = false
  private group?: { record: BackupGroup; log: GroupLog; received: number; added: number }
  private readonly groups: RestoredGroup[] = []
  private received = 0
  private end?: BackupEnd

  constructor(work: string, store: SqliteStore, onProgress?: RestoreProgress) {
    this.work = work
    this.store = store
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
        await writePrivateFile(join(this.work, DEVICE_KEY_FILE), record.payload)
        return
      case RECORD.settings:
        this.expect(this.key !== undefined && !this.settings, 'settings')
        this.restoreSettings(decodeJson<BackupSettings>(record))
        this.settings = true
        return
      case RECORD.group:
        this.expect(this.settings, 'group')
        await this.openGroup(decodeJson<BackupGroup>(record))
        return
      case RECORD.entries:
        this.expect(this.group !== undefined, 'entries')
        await this.addEntries(decodeEntries(record.payload))
        return
      case RECORD.end:
        this.expect(this.settings, 'end')
        this.closeGroup()
        this.end = decodeJson<BackupEnd>(record)
        return
    }
  }

  /** Checks the backup was whole, and closes the store (its file complete on disk). */
  async finish(): Promise<RestoreSummary> {
    const { end, about } = this
    if (end === undefined || about === undefined) throw new BackupContentError('the backup ends before its end record: it is incomplete')
    if (end.groups !== this.groups.length || end.entries !== this.received) {
      throw new BackupContentError(
        `the backup says it holds ${end.groups} groups and ${end.entries} entries, but ${this.groups.length} and ${this.received} were read`
      )
    }
    await this.store.close()
    const restored = this.groups.reduce((n, g) => n + g.restored, 0)
    return {
      peerId: peerIdFromPrivateKey((this.key as DeviceKey).privateKey).toString(),
      createdAt: about.createdAt,
      groups: this.groups,
      entries: this.received,
      leftOut: this.received - restored
    }
  }

  async close(): Promise<void> {
    await this.store.close()
  }

  private expect(inOrder: boolean, what: string): void {
    if (!inOrder) throw new BackupContentError(`the backup's ${what} record is out of place: it was not written by Causette`)
  }

  private restoreSettings(saved: BackupSettings): void {
    const { settings, blockList, verifiedMembers, knownPeers } = this.store.tables
    for (const [name, value] of Object.entries(saved.settings ?? {})) if (typeof value === 'string') settings.set(name, value)
    for (const blocked of saved.blocked ?? []) blockList.add(blocked)
    for (const verified of saved.verified ?? []) verifiedMembers.put(verified)
    for (const peer of saved.knownPeers ?? []) knownPeers.remember(peer.peer, peer.addresses, peer.lastSeen)
  }

  private async openGroup(record: BackupGroup): Promise<void> {
    this.closeGroup()
    const id = fromHex(record.id)
    const secret = fromHex(record.secret)
    await this.store.putGroup({ id, secret, name: record.name, addedAt: record.addedAt })
    const log = await GroupLog.open({ groupId: id, secret, key: this.key as DeviceKey, store: this.store, aead: wasmXChaCha })
    this.group = { record, log, received: 0, added: 0 }
  }

  private async addEntries(entries: Uint8Array[]): Promise<void> {
    const group = this.group as NonNullable<RestoreWriter['group']>
    const result = await group.log.add(entries, { trusted: true, source: 'import' })
    group.received += entries.length
    group.added += result.added.length
    this.received += entries.length
    this.onProgress?.(this.received, Math.max(this.about?.entries ?? 0, this.received))
  }

  private closeGroup(): void {
    const group = this.group
    if (group === undefined) return
    this.groups.push({ id: group.record.id, name: group.record.name, entries: group.received, restored: group.added })
    this.group = undefined
  }
}
