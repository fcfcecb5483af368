/**
 * The SQLite file's page size (node/src/store/sqlite-file.ts): a new file
 * gets 8 KiB pages, where an entry's rows go in about twice as fast as in
 * SQLite's 4 KiB; a file an earlier version made keeps its 4 KiB pages
 * (in WAL mode the size cannot change) and everything it held, and both
 * checkpoint their write-ahead log automatically at the same size in bytes.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { after, before, describe, it } from 'node:test'
import { type DeviceKey, decodeEntry, GroupLog, MemoryStore, storedEntryOf } from '@causette/core'
import { SqliteStore } from '@causette/node'
import { openDatabase, PAGE_BYTES } from '../../node/src/store/sqlite-file.ts'
import { entryBytes } from '../fixtures/entry-bytes.ts'
import { deviceKeys, signatures } from '../fixtures/replicas.ts'

/** A closed file's page size and how many pages its WAL may reach before a commit checkpoints it, as the store opens it. */
async function pagesOf(path: string): Promise<{ pageBytes: number; checkpointBytes: number }> {
  const db = await openDatabase(path)
  try {
    const pageBytes = (db.prepare('PRAGMA page_size').get() as { page_size: number }).page_size
    const pages = (db.prepare('PRAGMA wal_autocheckpoint').get() as { wal_autocheckpoint: number }).wal_autocheckpoint
    return { pageBytes, checkpointBytes: pages * pageBytes }
  } finally {
    db.close()
  }
}

/** Rewrites a closed store's file with 4 KiB pages, as versions before 8 KiB pages made it. */
function withSmallPages(path: string): void {
  const db = new DatabaseSync(path)
  try {
    db.exec('PRAGMA journal_mode = DELETE; PRAGMA page_size = 4096; VACUUM; PRAGMA journal_mode = WAL')
  } finally {
    db.close()
  }
}

describe('SQLite store, its pages', () => {
  let dir = ''
  /** Two groups' entries: one stored before a file's pages change, the other after. */
  const groups: Array<{ id: Uint8Array; entries: Uint8Array[] }> = []

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'causette-pages-'))
    const [author] = (await deviceKeys(1)) as [DeviceKey]
    for (const name of ['Pages', 'More pages']) {
      const log = await GroupLog.create({ name, key: author, store: new MemoryStore(), signatures })
      for (let i = 0; i < 200; i++) await log.append({ type: 'message', text: `message ${i} ${'x'.repeat(300)}` })
      groups.push({ id: log.id, entries: await entryBytes(log) })
    }
  })

  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  async function store(path: string, group: { id: Uint8Array; entries: Uint8Array[] }): Promise<void> {
    const sqlite = await SqliteStore.open(path)
    await sqlite.putEntries(
      group.id,
      group.entries.map((bytes) => storedEntryOf(decodeEntry(bytes)))
    )
    await sqlite.close()
  }

  /** How many of each group's entries the file gives back, in the log's order as stored. */
  async function held(path: string): Promise<number[]> {
    const sqlite = await SqliteStore.open(path)
    try {
      return await Promise.all(groups.map(async (g) => (await sqlite.listEntries(g.id)).length))
    } finally {
      await sqlite.close()
    }
  }

  it('makes a new file with 8 KiB pages, its WAL checkpointed at ~160 MB', async () => {
    const path = join(dir, 'new.db')
    await store(path, groups[0] as (typeof groups)[0])
    const { pageBytes, checkpointBytes } = await pagesOf(path)
    assert.equal(pageBytes, PAGE_BYTES)
    assert.equal(PAGE_BYTES, 8192)
    assert.ok(Math.abs(checkpointBytes - 160e6) < PAGE_BYTES, `checkpointed at ${checkpointBytes} bytes`)
    assert.deepEqual(await held(path), [groups[0]?.entries.length, 0])
  })

  it('opens a file made with 4 KiB pages as it is, with all it held, checkpointed at the same size in bytes', async () => {
    const path = join(dir, 'older.db')
    await store(path, groups[0] as (typeof groups)[0])
    withSmallPages(path)
    const { pageBytes, checkpointBytes } = await pagesOf(path)
    assert.equal(pageBytes, 4096, 'the older file keeps its pages')
    assert.ok(Math.abs(checkpointBytes - 160e6) < 4096, `checkpointed at ${checkpointBytes} bytes`)
    assert.deepEqual(await held(path), [groups[0]?.entries.length, 0])
    // and takes more in, in the same pages
    await store(path, groups[1] as (typeof groups)[0])
    assert.deepEqual(
      await held(path),
      groups.map((g) => g.entries.length)
    )
    assert.equal((await pagesOf(path)).pageBytes, 4096)
  })
})
