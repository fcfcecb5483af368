/**
 * Peerbit (its shared log) doing the comparison's work: two peers in this
 * process over TCP on 127.0.0.1, live latency and catch-up of a peer that
 * was offline. Run by test/bench/comparison.bench.ts with the workload as argv[2];
 * prints one PeerResult line. Not type-checked by `npm run check` (its
 * dependencies are installed on first use only).
 */
import { readFileSync } from 'node:fs'
import { tcp } from '@libp2p/tcp'
import { SharedLog } from '@peerbit/shared-log'
import { Peerbit } from 'peerbit'
import {
  type CatchUpResult,
  chatText,
  type LiveResult,
  type PeerResult,
  type PeerWorkload,
  RESULT_PREFIX,
  until,
  within
} from '../../comparison-workload.ts'

const workload = JSON.parse(process.argv[2] ?? '{}') as PeerWorkload
const progress = (line: string) => process.stderr.write(`${line}\n`)
const encoder = new TextEncoder()

// Only TCP on loopback, no relay: the same network Causette's side gets.
function startPeer(): Promise<Peerbit> {
  return Peerbit.create({ relay: false, libp2p: { addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] }, transports: [tcp()] } })
}

interface Replica {
  peer: Peerbit
  log: SharedLog<Uint8Array>
  /** Hash of each entry this replica was told it holds, with when. */
  arrived: Map<string, number>
}

// Every replica holds the whole log (factor 1), as every member of a chat does.
async function openReplica(peer: Peerbit, id: Uint8Array): Promise<Replica> {
  const arrived = new Map<string, number>()
  const log = await peer.open(new SharedLog<Uint8Array>({ id }), {
    args: {
      replicate: { factor: 1 },
      onChange: (change) => {
        const now = performance.now()
        for (const added of change.added) arrived.set(added.entry.hash, now)
      }
    }
  })
  return { peer, log, arrived }
}

async function live(): Promise<LiveResult[]> {
  const a = await startPeer()
  const b = await startPeer()
  try {
    const id = crypto.getRandomValues(new Uint8Array(32))
    const writer = await openReplica(a, id)
    const reader = await openReplica(b, id)
    await within(workload.phaseTimeoutMs, 'connecting', b.dial(a.getMultiaddrs()))
    // steady state: B's replicator role has matured (~5 s); live delivery works before, so --quick skips it
    if (!workload.quick) await within(workload.phaseTimeoutMs, 'replicator maturity', writer.log.waitForReplicators({ waitForNewPeers: true }))
    // a first entry, untimed, so lazily opened streams do not count against the first sample
    const warm = await writer.log.append(encoder.encode('warm-up'))
    await until(() => reader.arrived.has(warm.entry.hash), workload.phaseTimeoutMs)
    const results: LiveResult[] = []
    for (const size of workload.liveSizes) {
      const samples: number[] = []
      let lost = 0
      for (let i = 0; i < workload.liveMessages; i++) {
        const started = performance.now()
        const { entry } = await writer.log.append(encoder.encode(chatText(i, size)))
        if (await until(() => reader.arrived.has(entry.hash), 2_000, 1)) samples.push((reader.arrived.get(entry.hash) as number) - started)
        else lost++
        await new Promise((resolve) => setTimeout(resolve, workload.liveGapMs))
      }
      results.push({ size, samples, lost })
      progress(`  peerbit live ${size} B: ${samples.length} samples`)
    }
    return results
  } finally {
    await Promise.allSettled([a.stop(), b.stop()])
  }
}

async function catchUp(): Promise<CatchUpResult> {
  const a = await startPeer()
  const b = await startPeer()
  try {
    const id = crypto.getRandomValues(new Uint8Array(32))
    const writer = await openReplica(a, id)
    const reader = await openReplica(b, id)
    const n = workload.catchUpEntries
    const writeStart = performance.now()
    await within(
      workload.phaseTimeoutMs,
      `writing ${n} entries`,
      (async () => {
        for (let i = 0; i < n; i++) await writer.log.append(encoder.encode(chatText(i, workload.catchUpSize)))
      })()
    )
    const writeMs = performance.now() - writeStart
    progress(`  peerbit wrote ${n} entries in ${(writeMs / 1000).toFixed(1)} s; B connects`)
    const start = performance.now()
    await within(workload.phaseTimeoutMs, 'connecting', b.dial(a.getMultiaddrs()))
    const done = await until(() => reader.log.log.length >= n, Math.max(0, workload.phaseTimeoutMs - (performance.now() - start)), 5)
    const ms = performance.now() - start
    return { entries: n, held: reader.log.log.length, ms, writeMs, timedOut: !done }
  } finally {
    await Promise.allSettled([a.stop(), b.stop()])
  }
}

const version = (JSON.parse(readFileSync(new URL('node_modules/peerbit/package.json', import.meta.url), 'utf8')) as { version: string }).version
const result: PeerResult = {
  system: 'Peerbit',
  version,
  timed: {
    live: `append() on A called → onChange on B reports the entry (SharedLog, replicate factor 1, in-memory stores${workload.quick ? '' : "; after B's replicator role matured"})`,
    catchUp: "B's dial of A → B's shared log holds every entry (A wrote them before; B had the log open, empty, replicating everything)"
  },
  live: [],
  errors: []
}
try {
  result.live = await live()
} catch (err) {
  result.errors.push(`live: ${(err as Error).message}`)
}
try {
  result.catchUp = await catchUp()
} catch (err) {
  result.errors.push(`catch-up: ${(err as Error).message}`)
}
process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`)
process.exit(0)
