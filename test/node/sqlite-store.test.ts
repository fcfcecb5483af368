/**
 * The SQLite store: the Store conformance suite, then what only a file on
 * disk must show: one daemon per file, nothing acknowledged lost to kill -9,
 * and clear refusals for files it cannot use.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { describe, it, type TestContext } from 'node:test'
import { fileURLToPath } from 'node:url'
import { type DeviceKey, decodeEntry, fromHex, GroupLog, MemoryStore, type Store, type StoredEntry, storedEntryOf, toHex } from '@causette/core'
import { SqliteStore } from '@causette/node'
import { MIGRATIONS } from '../../node/src/store/schema.ts'
import { runStoreConformance } from '../core/store-conformance.ts'
import { entryBytes, logEntries } from '../fixtures/entry-bytes.ts'
import { SeededRandom } from '../fixtures/random.ts'
import { deviceKeys, signatures } from '../fixtures/replicas.ts'
import { ChildRun } from './fixtures/child-run.ts'
import { readCommitted } from './fixtures/committed-copy.ts'
import { writeVersion5 } from './fixtures/version5-store.ts'

const HOLD_STORE = fileURLToPath(new URL('./fixtures/hold-store.ts', import.meta.url))
const WRITE_UNTIL_KILLED = fileURLToPath(new URL('./fixtures/write-until-killed.ts', import.meta.url))

/** A fresh data directory under the system's temp dir, removed by `remove`. */
async function tempHome(): Promise<{ path: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'causette-sqlite-'))
  return { path: join(dir, 'causette.db'), remove: () => rm(dir, { recursive: true, force: true }) }
}

/** The conformance suite on a fresh file; `behind`: as the daemon runs it, every entry (all by others) written behind. */
function sqliteConformance(engine: string, behind: boolean): void {
  runStoreConformance(engine, async () => {
    const home = await tempHome()
    const open = async () => {
      const opened = await SqliteStore.open(home.path)
      // a key no entry of the suite has
      if (behind) opened.setDurableAuthor(new Uint8Array(32).fill(0xee))
      return opened
    }
    let store = await open()
    return {
      store,
      reopen: async () => {
        await store.close()
        store = await open()
        return store
      },
      cleanup: async () => {
        await store.close()
        await home.remove()
      }
    }
  })
}

sqliteConformance('sqlite', false)
sqliteConformance("sqlite, others' entries written behind", true)

/** How a second process trying to open the store at `path` is refused. */
async function refusalOf(path: string): Promise<{ name: string; message: string }> {
  const second = new ChildRun(HOLD_STORE, [path])
  try {
    await second.untilLines(1, 20_000)
    assert.notEqual(second.lines()[0], 'opened', 'the second process must not open the store')
    await second.exited
    assert.equal(second.process.exitCode, 1)
    return JSON.parse(second.lines()[0] as string) as { name: string; message: string }
  } finally {
    await second.kill()
  }
}

function integrityCheck(path: string): string {
  const db = new DatabaseSync(path)
  try {
    return (db.prepare('PRAGMA integrity_check').all() as Array<{ integrity_check: string }>).map((row) => row.integrity_check).join('; ')
  } finally {
    db.close()
  }
}

/** A group of one writer with `messages` messages after its genesis. */
async function sampleGroup(store: Store, messages: number): Promise<GroupLog> {
  const [key] = (await deviceKeys(1)) as [DeviceKey]
  const log = await GroupLog.create({ name: 'Sample', key, store, signatures })
  for (let i = 0; i < messages; i++) await log.append({ type: 'message', text: `message ${i}` })
  return log
}

async function storedOf(log: GroupLog): Promise<StoredEntry[]> {
  return (await entryBytes(log)).map((bytes) => storedEntryOf(decodeEntry(bytes)))
}

/** Rounds of a writer appending until SIGKILL; every entry it printed as acknowledged must be in the file after. */
async function killRounds(t: TestContext, rounds: number, writerArgs: string[]): Promise<void> {
  const random = new SeededRandom(Date.now() >>> 0)
  t.diagnostic(`seed ${random.seed}`)
  const home = await tempHome()
  const verified = new Map<string, number>()
  let acknowledged = 0
  let inFlight = 0
  try {
    for (let round = 0; round < rounds; round++) {
      const writer = new ChildRun(WRITE_UNTIL_KILLED, [home.path, ...writerArgs])
      try {
        // the group line, the genesis, then some messages
        await writer.untilLines(3 + random.int(40), 20_000)
        await new Promise((resolve) => setTimeout(resolve, random.int(15)))
      } finally {
        await writer.kill()
      }
      const [groupLine, ...printed] = writer.lines()
      assert.equal(writer.process.signalCode, 'SIGKILL', `round ${round}: the writer was killed, not finished`)

      const groupId = fromHex((groupLine as string).slice('group '.length))
      const store = await SqliteStore.open(home.path)
      try {
        const found = await store.getEntries(
          groupId,
          printed.map((id) => fromHex(id))
        )
        assert.equal(found.filter((bytes) => bytes === undefined).length, 0, `round ${round}: every acknowledged entry is there`)
        const count = await store.countEntries(groupId)
        assert.ok(
          count - printed.length === 0 || count - printed.length === 1,
          `round ${round}: at most the entry in flight is extra; the store holds ${count}, the writer acknowledged ${printed.length}`
        )

        const listed = await store.listEntries(groupId)
        assert.equal(listed.length, count)
        const ids = listed.map((row) => toHex(decodeEntry(row.bytes).id))
        assert.deepEqual(ids.slice(0, printed.length), printed, 'listed in the order they were written')
        assert.deepEqual((await store.heads(groupId)).map(toHex), [ids.at(-1)], 'one writer: the newest entry is the one head')
        for (const [group, n] of verified) assert.equal(await store.countEntries(fromHex(group)), n, 'earlier rounds are intact')
        verified.set(toHex(groupId), count)
        acknowledged += printed.length
        inFlight += count - printed.length
      } finally {
        await store.close()
      }
      // after the store has recovered the crashed file itself
      assert.equal(integrityCheck(home.path), 'ok', `round ${round}: integrity_check`)
    }
    t.diagnostic(`${acknowledged} acknowledged entries kept; ${inFlight} of ${rounds} kills landed between a commit and the printing of its id`)
  } finally {
    await home.remove()
  }
}

describe('SQLite store', () => {
  it('gives a group log back, messages and all, after the daemon restarts', async () => {
    const home = await tempHome()
    try {
      const store = await SqliteStore.open(home.path)
      const written = await sampleGroup(store, 30)
      await store.close()
      const reopened = await SqliteStore.open(home.path)
      const [key] = (await deviceKeys(1)) as [DeviceKey]
      const log = await GroupLog.open({ groupId: written.id, secret: written.secret, key, store: reopened, signatures })
      assert.deepEqual(
        (await log.view.messages({ limit: 3 })).messages.map((m) => m.text),
        ['message 27', 'message 28', 'message 29']
      )
      assert.deepEqual(log.heads(), written.heads())
      assert.equal((await reopened.getGroup(written.id))?.name, 'Sample')
      await reopened.close()
    } finally {
      await home.remove()
    }
  })

  it('does not make an entry a head again when a batch repeats it after its children', async () => {
    const home = await tempHome()
    const store = await SqliteStore.open(home.path)
    try {
      const source = await sampleGroup(new MemoryStore(), 5)
      const stored = await storedOf(source)
      await store.putEntries(source.id, stored)
      await store.putEntries(source.id, [stored[0] as StoredEntry, stored[2] as StoredEntry])
      assert.deepEqual(await store.heads(source.id), source.heads())
      // the genesis, the rekey that made the first message key, five messages
      assert.equal(await store.countEntries(source.id), 7)
    } finally {
      await store.close()
      await home.remove()
    }
  })

  it('stores a batch all or nothing', async () => {
    const home = await tempHome()
    const store = await SqliteStore.open(home.path)
    try {
      const source = await sampleGroup(new MemoryStore(), 3)
      const [genesis, first, second] = (await storedOf(source)) as [StoredEntry, StoredEntry, StoredEntry]
      // a seq that is not a number fails inside the transaction, after two good entries
      const broken = { ...second, seq: 'three' as unknown as number }
      await assert.rejects(store.putEntries(source.id, [genesis, first, broken]))
      assert.equal(await store.countEntries(source.id), 0)
      assert.deepEqual(await store.heads(source.id), [])
      assert.equal((await store.authorSeqs(source.id)).size, 0)
      await store.putEntries(source.id, [genesis, first, second])
      assert.equal(await store.countEntries(source.id), 3, 'the store is usable after the failed batch')
    } finally {
      await store.close()
      await home.remove()
    }
  })

  it('undoes only the batch that failed when others wait to be committed before it', async () => {
    const home = await tempHome()
    let store = await SqliteStore.open(home.path)
    try {
      // as the daemon runs: entries by others are written behind, many batches to a commit
      store.setDurableAuthor(new Uint8Array(32).fill(0xee))
      const source = await sampleGroup(new MemoryStore(), 5)
      const [genesis, first, second, third, fourth, fifth] = (await storedOf(source)) as StoredEntry[] as [
        StoredEntry,
        StoredEntry,
        StoredEntry,
        StoredEntry,
        StoredEntry,
        StoredEntry
      ]
      await store.putEntries(source.id, [genesis, first])
      await store.putEntries(source.id, [second])
      const broken = { ...fourth, seq: 'four' as unknown as number }
      await assert.rejects(store.putEntries(source.id, [third, broken]))
      assert.equal(await store.countEntries(source.id), 3, 'the two batches before it are still there, the failed one is not')
      assert.deepEqual((await store.heads(source.id)).map(toHex), [toHex(second.id)])
      assert.equal((await store.authorSeqs(source.id)).get(toHex(genesis.author)), second.seq)
      await store.putEntries(source.id, [third, fourth, fifth])
      await store.close()
      store = await SqliteStore.open(home.path)
      assert.equal(await store.countEntries(source.id), 6, 'all of them committed on close')
      assert.deepEqual((await store.heads(source.id)).map(toHex), [toHex(fifth.id)])
    } finally {
      await store.close()
      await home.remove()
    }
  })

  it('refuses a second daemon on the same file while the first runs, and lets the next one in once the first is killed', async () => {
    const home = await tempHome()
    const first = new ChildRun(HOLD_STORE, [home.path])
    try {
      await first.untilLines(1, 20_000)
      assert.deepEqual(first.lines(), ['opened'])

      assert.deepEqual(await refusalOf(home.path), {
        name: 'DataDirLockedError',
        message: `another Causette daemon is using ${home.path}; stop it first (causette stop) or use another --home`
      })
      await assert.rejects(SqliteStore.open(home.path), { name: 'DataDirLockedError' }, 'refused in this process too')

      await first.kill()
      assert.equal(first.process.signalCode, 'SIGKILL')
      const next = await SqliteStore.open(home.path)
      try {
        const group = await sampleGroup(next, 1)
        // a refused opener in the holder's own process must not release its lock
        await assert.rejects(SqliteStore.open(home.path), { name: 'DataDirLockedError' })
        assert.equal((await refusalOf(home.path)).name, 'DataDirLockedError', 'still refused to other processes')
        assert.equal(await next.countEntries(group.id), group.size, 'the holder keeps working')
      } finally {
        await next.close()
      }
    } finally {
      await first.kill()
      await home.remove()
    }
  })

  it('loses no acknowledged entry when the writer is killed with SIGKILL, round after round on one file', async (t) => {
    await killRounds(t, 10, [])
  })

  it("loses no entry of its own either once it knows its device key, and writes others' entries behind", async (t) => {
    await killRounds(t, 5, ['as-daemon'])
  })

  it('reads entries of others written behind at once, and commits them on close', async () => {
    const home = await tempHome()
    try {
      const source = await sampleGroup(new MemoryStore(), 4)
      const [genesis, ...rest] = (await storedOf(source)) as [StoredEntry, ...StoredEntry[]]
      const [ownKey] = (await deviceKeys(2)).slice(1) as [DeviceKey]
      let store = await SqliteStore.open(home.path)
      store.setDurableAuthor(ownKey.publicKey)
      await store.putEntries(source.id, [genesis])
      await store.putEntries(source.id, rest.slice(0, 2))
      assert.equal(await store.countEntries(source.id), 3, 'readable as soon as putEntries resolved')
      await store.putEntries(source.id, rest.slice(2))
      await store.close()
      store = await SqliteStore.open(home.path)
      assert.equal(await store.countEntries(source.id), source.size, 'close committed what was written behind')
      assert.deepEqual(await store.heads(source.id), source.heads())
      await store.close()
    } finally {
      await home.remove()
    }
  })

  it("commits what a person sets at once, with the others' entries waiting before it; the peers it met wait", async () => {
    const home = await tempHome()
    try {
      const source = await sampleGroup(new MemoryStore(), 4)
      const entries = await storedOf(source)
      const [ownKey] = (await deviceKeys(2)).slice(1) as [DeviceKey]
      const store = await SqliteStore.open(home.path)
      const committed = (sql: string): unknown[] =>
        readCommitted(home.path, (db) =>
          db
            .prepare(sql)
            .all()
            .map((row) => ({ ...row }))
        )
      try {
        store.setDurableAuthor(ownKey.publicKey)
        await store.putEntries(source.id, entries)
        store.tables.knownPeers.remember('12D3KooWPeer', ['/ip4/127.0.0.1/tcp/4001'], 1_000)
        assert.deepEqual(committed('SELECT count(*) AS n FROM entries'), [{ n: 0 }], "others' entries wait for the window")
        assert.deepEqual(committed('SELECT peer FROM known_peers'), [], 'so do the peers met')
        store.tables.settings.set('name', 'Ada')
        assert.deepEqual(committed("SELECT value FROM settings WHERE name = 'name'"), [{ value: 'Ada' }], 'a setting is saved when set')
        assert.deepEqual(committed('SELECT count(*) AS n FROM entries'), [{ n: entries.length }], 'with everything written before it')
        store.tables.blockList.add({ key: 'ab'.repeat(32), blockedAt: 2_000 })
        assert.deepEqual(committed('SELECT key FROM blocked_members'), [{ key: 'ab'.repeat(32) }], 'a block is saved when made')
      } finally {
        await store.close()
      }
    } finally {
      await home.remove()
    }
  })

  it('creates its files readable by their owner only: they hold group secrets', async () => {
    const home = await tempHome()
    const store = await SqliteStore.open(home.path)
    try {
      await sampleGroup(store, 1)
      for (const file of [home.path, `${home.path}-wal`]) {
        assert.equal((await stat(file)).mode & 0o077, 0, `${file} is private`)
      }
    } finally {
      await store.close()
      await home.remove()
    }
  })

  it('refuses a file that is not a Causette database, naming it', async () => {
    const home = await tempHome()
    try {
      await writeFile(home.path, 'notes to self\n'.repeat(100))
      await assert.rejects(SqliteStore.open(home.path), (err: Error) => {
        assert.equal(err.name, 'NotAStoreError')
        assert.ok(err.message.startsWith(`${home.path} is not a Causette database`), err.message)
        return true
      })
      await rm(home.path)
      const other = new DatabaseSync(home.path)
      other.exec('CREATE TABLE recipes (name TEXT)')
      other.close()
      await assert.rejects(SqliteStore.open(home.path), { name: 'NotAStoreError' }, "another application's SQLite file")
    } finally {
      await home.remove()
    }
  })

  it('opens a file of schema version 5 with its entries, which lack facts until they are set', async () => {
    const home = await tempHome()
    try {
      const source = await sampleGroup(new MemoryStore(), 3)
      const stored = await storedOf(source)
      const ids = stored.map((e) => e.id)
      writeVersion5(home.path, source.id, stored)
      const store = await SqliteStore.open(home.path)
      try {
        assert.deepEqual(
          await store.getEntries(source.id, ids),
          stored.map((e) => e.bytes)
        )
        assert.deepEqual(await store.heads(source.id), source.heads())
        assert.equal(await store.lacksFacts(source.id), true)
        assert.deepEqual(
          await store.getFacts(source.id, ids),
          ids.map(() => undefined)
        )

        const facts = (await logEntries(source)).map((e, i) => ({
          id: e.id,
          time: e.time,
          shownTime: e.shownTime,
          epoch: e.epochHex,
          role: 'admin',
          frontier: `f${i}`
        }))
        await store.putFacts(source.id, facts)
        assert.equal(await store.lacksFacts(source.id), false)
        const read = await store.getFacts(source.id, ids)
        assert.deepEqual(
          read.map((f) => f?.parents),
          stored.map((e) => e.parents),
          'parents decoded from the entries'
        )
        assert.deepEqual(new Set(stored.map((e) => e.parents.length)), new Set([0, 1]))
        assert.deepEqual(
          read.map((f) => f?.frontier),
          facts.map((f) => f.frontier)
        )
      } finally {
        await store.close()
      }
      const db = new DatabaseSync(home.path)
      assert.equal((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version, MIGRATIONS.length)
      db.close()
    } finally {
      await home.remove()
    }
  })

  it('counts entries and finds equivocations of a file of an older version, then keeps both as entries come', async () => {
    const home = await tempHome()
    try {
      const source = await sampleGroup(new MemoryStore(), 3)
      const stored = await storedOf(source)
      // the last entry's author and seq held under a second id: what an equivocating author leaves
      const last = stored.at(-1) as StoredEntry
      const twin: StoredEntry = { ...last, id: new Uint8Array(32).fill(7), key: new Uint8Array(last.key.length).fill(0xee) }
      writeVersion5(home.path, source.id, [...stored, twin])
      const store = await SqliteStore.open(home.path)
      try {
        assert.equal(await store.countEntries(source.id), stored.length + 1, 'counted by the upgrade')
        const ids = [last.id, twin.id].sort(Buffer.compare)
        assert.deepEqual(await store.equivocations(source.id), [{ author: last.author, seq: last.seq, ids }], 'found by the upgrade')
        // a third id at the same seq, and an author's next entry, stored now
        const third: StoredEntry = { ...last, id: new Uint8Array(32).fill(9), key: new Uint8Array(last.key.length).fill(0xef) }
        await store.putEntries(source.id, [third])
        await store.putEntries(new Uint8Array(32).fill(3), [{ ...last, seq: last.seq + 1, id: new Uint8Array(32).fill(4) }])
        assert.deepEqual(await store.equivocations(source.id), [{ author: last.author, seq: last.seq, ids: [...ids, third.id].sort(Buffer.compare) }])
        assert.deepEqual(await store.equivocations(new Uint8Array(32).fill(3)), [], 'a next seq is no equivocation, nor is another group')
        assert.equal(await store.countEntries(source.id), stored.length + 2)
        await store.deleteGroup(source.id)
        assert.deepEqual([await store.countEntries(source.id), await store.equivocations(source.id)], [0, []])
      } finally {
        await store.close()
      }
    } finally {
      await home.remove()
    }
  })

  it('refuses a database written by a newer version, saying to upgrade', async () => {
    const home = await tempHome()
    try {
      await (await SqliteStore.open(home.path)).close()
      const db = new DatabaseSync(home.path)
      db.exec('PRAGMA user_version = 99')
      db.close()
      await assert.rejects(SqliteStore.open(home.path), { name: 'StoreTooNewError', message: /store schema 99.*upgrade Causette/ })
    } finally {
      await home.remove()
    }
  })
})
