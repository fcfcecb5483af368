/**
 * Core log throughput: entries written (encrypt + sign + store) per second,
 * entries accepted from a peer (decode + verify + decrypt + add) per second,
 * and the time to build the view of a large log. Core runs as the daemon
 * runs it in Node: signatures through node:crypto, bodies through its
 * XChaCha20-Poly1305 (WebAssembly at these sizes, node/src/native-xchacha.ts)
 * and entries' ids through node:crypto's SHA-256 (node-peer-parts.ts); a
 * browser runs core's portable noble ones instead.
 */

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type DeviceKey,
  decodeEntry,
  GroupLog,
  type GroupLogInit,
  GroupView,
  generateDeviceKey,
  MemoryStore,
  storedEntryOf,
  toHex
} from '@causette/core'
import { nodePeerParts, nodeSignatures, SqliteStore } from '@causette/node'
import { entryBytes, logEntries } from '../fixtures/entry-bytes.ts'
import type { BenchContext, Benchmark, Metric } from './harness.ts'
import { messageText, syntheticLog } from './synthetic-log.ts'

export const logBenchmark: Benchmark = {
  name: 'log',
  run: (ctx) => measure(ctx)
}

async function measure(ctx: BenchContext): Promise<Metric[]> {
  const signatures = nodeSignatures()
  // the daemon's body cipher and entry ids' hash (node-peer-parts.ts)
  const { aead, sha256 } = nodePeerParts()
  const metrics: Metric[] = []
  const writes = ctx.quick ? 2_000 : 20_000
  const key = await generateDeviceKey()
  const writer = await GroupLog.create({ name: 'bench', key, store: new MemoryStore(), signatures, aead, sha256 })
  let start = performance.now()
  for (let i = 0; i < writes; i++) await writer.append({ type: 'message', text: messageText(i) })
  metrics.push({
    name: 'entries written',
    value: Math.round(writes / ((performance.now() - start) / 1000)),
    unit: 'entries/s',
    conditions: `${writes} messages of ~200 B appended one by one (encrypt, sign, store in memory)`
  })

  const total = ctx.quick ? 10_000 : 100_000
  const authors: DeviceKey[] = []
  for (let i = 0; i < 10; i++) authors.push(await generateDeviceKey())
  ctx.log(`  generating ${total} entries by ${authors.length} authors…`)
  const { genesis, secret, entries } = await syntheticLog(authors, total, signatures)
  const batch = 1000
  // a warm-up into a log thrown away: neither measurement below pays for compiling the code that takes entries in (a daemon's is warm)
  const warmUp = await GroupLog.open({ groupId: genesis.id, secret, key, store: new MemoryStore(), signatures, aead, sha256 })
  const bytes = entries.map((e) => e.bytes)
  await takeIn(warmUp, genesis.bytes, bytes.slice(0, bytes.length / 10), batch)
  // first, on a heap that holds only the entries to take in, as the daemon's does (the memory store below holds all of them)
  const intoSqlite = await acceptIntoSqlite({ groupId: genesis.id, secret, key, signatures, aead, sha256 }, genesis.bytes, bytes, batch)
  const readerStore = new MemoryStore()
  const reader = await GroupLog.open({ groupId: genesis.id, secret, key, store: readerStore, signatures, aead, sha256 })
  start = performance.now()
  await takeIn(reader, genesis.bytes, bytes, batch)
  const acceptSeconds = (performance.now() - start) / 1000
  if (reader.size !== entries.length + 1) throw new Error(`accepted ${reader.size} of ${entries.length + 1}`)
  metrics.push({
    name: 'entries accepted',
    value: Math.round(entries.length / acceptSeconds),
    unit: 'entries/s',
    target: { op: '>=', value: 20_000 },
    conditions: `${total} entries by 10 authors, batches of ${batch} (decode, verify by hash chain, decrypt, order, view, store in memory), one core; Node's signatures and the daemon's WebAssembly body cipher`
  })
  metrics.push({
    name: 'entries accepted into SQLite',
    value: intoSqlite,
    unit: 'entries/s',
    target: { op: '>=', value: 20_000 },
    conditions: `the same ${total} entries in batches of ${batch}, into the daemon's SQLite store (a file on this disk: entries, facts, view rows and the word index; others' entries committed in windows, as the daemon does), until all are committed; measured first, before the memory store above is filled`
  })

  // read back first, untimed: the log keeps its history in the store; the metric is the fold
  const history = await logEntries(reader)
  start = performance.now()
  const view = new GroupView()
  for (const e of history) view.apply(e)
  view.messages({ limit: 50 })
  metrics.push({
    name: 'view of a large log',
    value: Math.round(performance.now() - start),
    unit: 'ms',
    target: { op: '<=', value: 500 },
    conditions: `${reader.size} decrypted entries folded into a fresh view, then the last 50 messages read`
  })

  start = performance.now()
  const reopened = await GroupLog.open({ groupId: genesis.id, secret, key, store: readerStore, signatures, aead, sha256 })
  metrics.push({
    name: 'open a large log from its store',
    value: Math.round(performance.now() - start),
    unit: 'ms',
    target: { op: '<=', value: 100 },
    conditions: `${reopened.size} entries in a memory store, opened from their facts: membership entries admitted again, heads and authors' latest entries read; no history read`
  })

  start = performance.now()
  const store = new MemoryStore()
  await store.putEntries(
    genesis.id,
    (await entryBytes(reader)).map((bytes) => storedEntryOf(decodeEntry(bytes)))
  )
  const storeSeconds = (performance.now() - start) / 1000
  start = performance.now()
  const upgraded = await GroupLog.open({ groupId: genesis.id, secret, key, store, signatures, aead, sha256 })
  metrics.push({
    name: 'open a large log stored without facts',
    value: Math.round(performance.now() - start),
    unit: 'ms',
    conditions: `${upgraded.size} entries stored as a version before entry facts stored them: each read once (decode, decrypt, order), its facts and view rows written; once per group after an upgrade`
  })
  ctx.log(`  (filling the memory store took ${storeSeconds.toFixed(2)} s; ${toHex(genesis.id).slice(0, 8)})`)
  return metrics
}

/**
 * Entries a second taken into the daemon's store, a SQLite file, run as the
 * daemon runs it (daemon.ts: this device's entries commit at once, others'
 * in windows, commits.ts), until every one is committed: closing commits
 * those written behind.
 */
async function acceptIntoSqlite(open: Omit<GroupLogInit, 'store'>, genesis: Uint8Array, entries: Uint8Array[], batch: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'causette-bench-log-'))
  try {
    const sqlite = await SqliteStore.open(join(dir, 'causette.db'))
    sqlite.setDurableAuthor(open.key.publicKey)
    const log = await GroupLog.open({ ...open, store: sqlite })
    const start = performance.now()
    await takeIn(log, genesis, entries, batch)
    await sqlite.close()
    return Math.round(entries.length / ((performance.now() - start) / 1000))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Gives `log` the genesis, then the entries in batches, as sync brings them; throws the first rejection. */
async function takeIn(log: GroupLog, genesis: Uint8Array, entries: Uint8Array[], batch: number): Promise<void> {
  await log.add([genesis])
  for (let i = 0; i < entries.length; i += batch) {
    const result = await log.add(entries.slice(i, i + batch))
    if (result.rejected.length > 0) throw result.rejected[0]?.error
  }
}
