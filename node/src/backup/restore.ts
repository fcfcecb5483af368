/**
 * Restoring a backup into a data directory, all or nothing: the records
 * (core's backup-records.ts, read in order by its backup-restoring.ts) are written into a new store in a directory of its
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
import { type DeviceKey, fromHex, GroupLog } from '@causette/core'
import {
  type BackupGroup,
  type BackupSettings,
  type GroupIntake,
  type RestoreProgress,
  type RestoreSummary,
  type RestoreTarget,
  restoreRecords
} from '@causette/core/backups'
import { DATABASE_FILE, DEVICE_KEY_FILE, writePrivateFile } from '../data-dir.ts'
import { nodeX25519 } from '../node-x25519.ts'
import { SqliteStore } from '../store/sqlite-store.ts'
import { wasmXChaCha } from '../wasm-xchacha.ts'
import { assertRestorable, moveIntoPlace, removeInterruptedRestores, restoreWorkDir } from './restore-target.ts'

export type { RestoredGroup, RestoreProgress, RestoreSummary } from '@causette/core/backups'

/** Restores the plaintext of a backup into `home`, which assertRestorable cleared; nothing changes there unless all of it went in. */
export async function restoreInto(home: string, plaintext: AsyncIterable<Uint8Array>, onProgress?: RestoreProgress): Promise<RestoreSummary> {
  const work = restoreWorkDir(home)
  await removeInterruptedRestores(home)
  await rm(work, { recursive: true, force: true })
  await mkdir(work, { recursive: true, mode: 0o700 })
  let store: SqliteStore | undefined
  try {
    store = await SqliteStore.open(join(work, DATABASE_FILE))
    const summary = await restoreRecords(plaintext, dataDirectoryTarget(work, store), onProgress)
    // its file complete on disk before it is moved
    await store.close()
    store = undefined
    // again: a daemon may have started on the directory while the restore ran
    await assertRestorable(home)
    await moveIntoPlace(work, home)
    return summary
  } catch (err) {
    await store?.close()
    await rm(work, { recursive: true, force: true })
    throw err
  }
}

/** Writes the records into a new data directory: the key file, the daemon's tables, each group through a GroupLog over the new store. */
function dataDirectoryTarget(work: string, store: SqliteStore): RestoreTarget {
  return {
    async deviceKey(_key: DeviceKey, bytes: Uint8Array): Promise<void> {
      await writePrivateFile(join(work, DEVICE_KEY_FILE), bytes)
    },
    async settings(saved: BackupSettings): Promise<void> {
      const { settings, blockList, verifiedMembers, knownPeers } = store.tables
      for (const [name, value] of Object.entries(saved.settings ?? {})) if (typeof value === 'string') settings.set(name, value)
      for (const blocked of saved.blocked ?? []) blockList.add(blocked)
      for (const verified of saved.verified ?? []) verifiedMembers.put(verified)
      for (const peer of saved.knownPeers ?? []) knownPeers.remember(peer.peer, peer.addresses, peer.lastSeen)
    },
    async group(record: BackupGroup, key: DeviceKey): Promise<GroupIntake> {
      const id = fromHex(record.id)
      const secret = fromHex(record.secret)
      await store.putGroup({ id, secret, name: record.name, addedAt: record.addedAt })
      const log = await GroupLog.open({ groupId: id, secret, key, store, aead: wasmXChaCha, x25519: nodeX25519 })
      return async (entries) => (await log.add(entries, { trusted: true, source: 'import' })).added.length
    }
  }
}
