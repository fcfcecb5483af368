/**
 * Where a restore writes: never over a device that exists. A data directory
 * holding a device key or groups is refused before anything is read; a
 * restore is built in a directory of its own beside the target and moved
 * into place only once complete, so a failed or interrupted restore leaves
 * the target as it was.
 */
import { link, readdir, rename, rm, rmdir } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { DATABASE_FILE, DEVICE_KEY_FILE, homeFlag, processAlive, syncDirectory } from '../data-dir.ts'
import { pathExists } from '../path-exists.ts'
import { SqliteStore } from '../store/sqlite-store.ts'
import { RestoreTargetInUseError } from './errors.ts'

/** Refuses a data directory that already is a device: one with a device key, or with groups. */
export async function assertRestorable(home: string): Promise<void> {
  const elsewhere = `restore into a new data directory (\`--home <new dir>\`), or move ${home} away first`
  if (await pathExists(join(home, DEVICE_KEY_FILE))) {
    throw new RestoreTargetInUseError(
      `the data directory ${home} already holds a device key (it is a Causette device already); restoring would replace it, so nothing was restored: ${elsewhere}`
    )
  }
  if (!(await pathExists(join(home, DATABASE_FILE)))) return
  let store: SqliteStore
  try {
    store = await SqliteStore.open(join(home, DATABASE_FILE))
  } catch (err) {
    const name = (err as Error).name
    if (name === 'DataDirLockedError') {
      throw new RestoreTargetInUseError(
        `a Causette daemon is using ${home}; nothing was restored: stop it (\`causette stop${homeFlag(home)}\`), then ${elsewhere}`
      )
    }
    if (name === 'NotAStoreError' || name === 'StoreTooNewError') throw new RestoreTargetInUseError(`${(err as Error).message}; nothing was restored`)
    throw err
  }
  let groups: number
  try {
    groups = (await store.listGroups()).length
  } finally {
    await store.close()
  }
  if (groups > 0) {
    throw new RestoreTargetInUseError(
      `the data directory ${home} already holds ${groups} group${groups === 1 ? '' : 's'}; restoring would mix two devices, so nothing was restored: ${elsewhere}`
    )
  }
}

/** A fresh directory beside `home`, on the same file system, to build the restore in. */
export function restoreWorkDir(home: string): string {
  return join(dirname(home), `.${basename(home)}.restoring-${process.pid}`)
}

/** Removes what restores into `home` that were interrupted (their process is gone) left beside it. */
export async function removeInterruptedRestores(home: string): Promise<void> {
  const prefix = `.${basename(home)}.restoring-`
  let names: string[]
  try {
    names = await readdir(dirname(home))
  } catch {
    return
  }
  for (const name of names) {
    const pid = Number(name.slice(prefix.length))
    if (name.startsWith(prefix) && Number.isInteger(pid) && pid > 0 && !processAlive(pid)) {
      await rm(join(dirname(home), name), { recursive: true, force: true })
    }
  }
}

/**
 * Moves a complete restore into `home`: the whole directory at once when
 * `home` does not exist or is empty; otherwise (it holds a config.json, say)
 * the device key and then the database, beside what is there.
 */
export async function moveIntoPlace(work: string, home: string): Promise<void> {
  let present: string[] | undefined
  try {
    present = await readdir(home)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  if (present?.length === 0) await rmdir(home)
  if (present === undefined || present.length === 0) {
    await rename(work, home)
  } else {
    // an emptied database's journal must not be replayed into the restored one
    for (const stale of ['-wal', '-shm', '-journal']) await rm(join(home, `${DATABASE_FILE}${stale}`), { force: true })
    // the key first: a crash between the two leaves this device with no groups, never groups under a new key;
    // linked rather than renamed, so a key that appeared meanwhile is never replaced
    try {
      await link(join(work, DEVICE_KEY_FILE), join(home, DEVICE_KEY_FILE))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      throw new RestoreTargetInUseError(`a device key appeared in ${home} while the backup was being restored; nothing was restored`)
    }
    await rename(join(work, DATABASE_FILE), join(home, DATABASE_FILE))
    await rm(work, { recursive: true, force: true })
  }
  await syncDirectory(dirname(home))
  await syncDirectory(home)
}
