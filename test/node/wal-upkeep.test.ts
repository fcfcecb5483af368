/**
 * When the SQLite store's write-ahead log reaches the database file
 * (node/src/store/wal-upkeep.ts): not inside a burst of writes, but once
 * they pause. Read from the files themselves, as a person copying the data
 * directory would find them.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { type DeviceKey, decodeEntry, GroupLog, MemoryStore, storedEntryOf } from '@causette/core'
import { SqliteStore } from '@causette/node'
import { WRITE_BEHIND_MS } from '../../node/src/store/commits.ts'
import { WHEN_IDLE_MS } from '../../node/src/store/wal-upkeep.ts'
import { entryBytes } from '../fixtures/entry-bytes.ts'
import { deviceKeys, signatures } from '../fixtures/replicas.ts'

const size = async (path: string): Promise<number> => (await stat(path)).size

describe('SQLite store, checkpoints of its write-ahead log', () => {
  it("keeps a burst's writes in the WAL while it lasts, and copies them into the database once the writes pause", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'causette-wal-'))
    const path = join(dir, 'causette.db')
    try {
      const [author, own] = (await deviceKeys(2)) as [DeviceKey, DeviceKey]
      const source = await GroupLog.create({ name: 'Burst', key: author, store: new MemoryStore(), signatures })
      for (let i = 0; i < 600; i++) await source.append({ type: 'message', text: `message ${i} ${'x'.repeat(200)}` })
      const entries = (await entryBytes(source)).map((bytes) => storedEntryOf(decodeEntry(bytes)))
      const store = await SqliteStore.open(path)
      try {
        // as the daemon runs it: others' entries written behind
        store.setDurableAuthor(own.publicKey)
        const before = await size(path)
        for (let i = 0; i < entries.length; i += 50) {
          await store.putEntries(source.id, entries.slice(i, i + 50))
          // at gossip's pace: the burst spans several windows of commits (commits.ts), each less than the idle time apart
          await sleep(WRITE_BEHIND_MS / 4)
        }
        assert.ok((await size(`${path}-wal`)) > 100_000, 'the burst is in the WAL')
        assert.equal(await size(path), before, 'no checkpoint inside the burst')
        // bounded: a few idle periods at most
        const deadline = Date.now() + 10 * WHEN_IDLE_MS
        while ((await size(path)) === before && Date.now() < deadline) await sleep(WHEN_IDLE_MS / 4)
        assert.ok((await size(path)) > before + 100_000, 'the database file holds the burst once the writes paused')
        assert.equal(await store.countEntries(source.id), entries.length)
      } finally {
        await store.close()
      }
      const reopened = await SqliteStore.open(path)
      try {
        assert.equal(await reopened.countEntries(source.id), entries.length, 'nothing lost across the checkpoint and a restart')
      } finally {
        await reopened.close()
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
