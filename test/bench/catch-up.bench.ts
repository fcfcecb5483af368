/**
 * Catch-up cost: two peers share a large log and differ by d entries (the d
 * newest are missing on one side, as after time offline). One sync session
 * over a real libp2p connection (TCP on 127.0.0.1) reconciles them; we
 * record wall time, bytes both ways, round trips, and bytes relative to the
 * lower bound (the encoded size of the d missing entries).
 */
import {
  type BaseLibp2p,
  baseLibp2pOptions,
  type DeviceKey,
  type Entry,
  GroupLog,
  generateDeviceKey,
  MemoryStore,
  runSyncSession,
  SYNC_PROTOCOL,
  SyncSession,
  storedEntryOf
} from '@causette/core'
import { nodeSignatures } from '@causette/node'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import type { Benchmark, Metric } from './harness.ts'
import { syntheticLog } from './synthetic-log.ts'

const signatures = nodeSignatures()

async function logHolding(genesis: Entry, secret: Uint8Array, entries: Entry[], key: DeviceKey): Promise<GroupLog> {
  const store = new MemoryStore()
  await store.putEntries(
    genesis.id,
    [genesis, ...entries].map((e) => storedEntryOf(e))
  )
  return GroupLog.open({ groupId: genesis.id, secret, key, store, signatures })
}

async function node(key: DeviceKey): Promise<BaseLibp2p> {
  const libp2p = await createLibp2p(baseLibp2pOptions(key, { transports: [tcp()], listen: ['/ip4/127.0.0.1/tcp/0'] }))
  await libp2p.start()
  return libp2p
}

export interface CatchUpResult {
  ms: number
  bytes: number
  roundTrips: number
  added: number
}

/** One session: `behind` pulls from `ahead`. */
export async function catchUp(ahead: GroupLog, behind: GroupLog, aheadKey: DeviceKey, behindKey: DeviceKey): Promise<CatchUpResult> {
  const server = await node(aheadKey)
  const client = await node(behindKey)
  try {
    await server.handle(SYNC_PROTOCOL, async (stream, connection) => {
      const session = new SyncSession({
        role: 'responder',
        localPeer: server.peerId.toString(),
        remotePeer: connection.remotePeer.toString(),
        findGroup: () => ahead
      })
      await runSyncSession(stream, session).catch(() => undefined)
    })
    await client.dial(server.getMultiaddrs()[0] as never)
    const start = performance.now()
    const stream = await client.dialProtocol(server.peerId, SYNC_PROTOCOL)
    const session = new SyncSession({ role: 'initiator', localPeer: client.peerId.toString(), remotePeer: server.peerId.toString(), log: behind })
    const traffic = await runSyncSession(stream, session)
    const ms = performance.now() - start
    // one round trip for hello/welcome, then the ranges exchanged (two per round trip)
    return { ms, bytes: traffic.bytesIn + traffic.bytesOut, roundTrips: 1 + Math.ceil(session.rounds / 2), added: session.added }
  } finally {
    await client.stop()
    await server.stop()
  }
}

export const catchUpBenchmark: Benchmark = {
  name: 'catch-up',
  async run(ctx) {
    // --quick shrinks the shared history, not the differences, so every metric and target is there in both runs
    const total = ctx.quick ? 12_000 : 100_000
    const differences = [1, 1_000, 10_000]
    const authors: DeviceKey[] = []
    for (let i = 0; i < 10; i++) authors.push(await generateDeviceKey())
    ctx.log(`  generating ${total} entries…`)
    const { genesis, secret, entries } = await syntheticLog(authors, total, signatures)
    const ahead = await logHolding(genesis, secret, entries, authors[0] as DeviceKey)
    const metrics: Metric[] = []
    for (const d of differences) {
      const behind = await logHolding(genesis, secret, entries.slice(0, entries.length - d), authors[1] as DeviceKey)
      const lowerBound = entries.slice(entries.length - d).reduce((n, e) => n + e.bytes.byteLength, 0)
      const result = await catchUp(ahead, behind, authors[0] as DeviceKey, authors[1] as DeviceKey)
      if (result.added !== d) throw new Error(`catch-up of ${d} added ${result.added}`)
      const conditions = `${total.toLocaleString('en-US')} entries, the ${d.toLocaleString('en-US')} newest missing on one side; one session over TCP on 127.0.0.1`
      metrics.push(
        {
          name: `catch-up d=${d}: time`,
          value: Math.round(result.ms * 10) / 10,
          unit: 'ms',
          ...(d === 10_000 ? { target: { op: '<=', value: 1000 } } : {}),
          conditions
        },
        { name: `catch-up d=${d}: bytes`, value: result.bytes, unit: 'B', ...(d === 1 ? { target: { op: '<=', value: 4096 } } : {}), conditions },
        {
          name: `catch-up d=${d}: round trips`,
          value: result.roundTrips,
          unit: '',
          ...(d === 1 ? { target: { op: '<=', value: 4 } } : {}),
          conditions
        },
        {
          name: `catch-up d=${d}: bytes / lower bound`,
          value: Math.round((result.bytes / lowerBound) * 1000) / 1000,
          unit: '×',
          ...(d === 10_000 ? { target: { op: '<=', value: 1.1 } } : {}),
          conditions: `${conditions}; lower bound ${lowerBound.toLocaleString('en-US')} B`
        }
      )
      ctx.log(`  d=${d}: ${result.ms.toFixed(1)} ms, ${result.bytes} B, ${result.roundTrips} round trips`)
    }
    return metrics
  }
}
