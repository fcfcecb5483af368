/**
 * OrbitDB (an events store on its own Helia/libp2p) doing the comparison's
 * work: two peers in this process over TCP on 127.0.0.1, live latency and
 * catch-up of a peer that was offline. Run by test/bench/comparison.bench.ts with
 * the workload as argv[2]; prints one PeerResult line. Not type-checked by
 * `npm run check` (its dependencies are installed on first use only).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { bitswap } from '@helia/block-brokers'
import { libp2pRouting } from '@helia/routers'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { createOrbitDB, IPFSAccessController } from '@orbitdb/core'
import { createHelia } from 'helia'
import { createLibp2p } from 'libp2p'
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
const home = mkdtempSync(join(tmpdir(), 'causette-bench-orbitdb-'))
let peerCount = 0

// OrbitDB's API is untyped JavaScript; these are the few parts used here.
interface OrbitEntry {
  hash: string
}
interface EventsDb {
  address: string
  add(value: string): Promise<string>
  all(): Promise<unknown[]>
  events: { on(event: 'update', listener: (entry: OrbitEntry) => void): void; once(event: 'join', listener: () => void): void }
}
interface Peer {
  libp2p: Awaited<ReturnType<typeof createLibp2p>>
  open(name: string): Promise<EventsDb>
  stop(): Promise<void>
}

// Only TCP on loopback: no bootstrap list, no mDNS, no gateways or delegated routing.
async function startPeer(): Promise<Peer> {
  const libp2p = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // as OrbitDB's own tests: A writes while nobody listens
    services: { identify: identify(), pubsub: gossipsub({ allowPublishToZeroTopicPeers: true }) }
  })
  const ipfs = await createHelia({ libp2p, blockBrokers: [bitswap()], routers: [libp2pRouting(libp2p)] })
  const orbitdb = await createOrbitDB({ ipfs, directory: join(home, `peer-${peerCount++}`) })
  return {
    libp2p,
    // anyone may write, so both sides derive the same address without exchanging it
    open: (name) => orbitdb.open(name, { type: 'events', AccessController: IPFSAccessController({ write: ['*'] }) }),
    stop: async () => {
      await orbitdb.stop()
      await ipfs.stop()
    }
  }
}

interface Replica {
  db: EventsDb
  arrived: Map<string, number>
}

async function openReplica(peer: Peer, name: string): Promise<Replica> {
  const db = await peer.open(name)
  const arrived = new Map<string, number>()
  db.events.on('update', (entry) => arrived.set(entry.hash, performance.now()))
  return { db, arrived }
}

async function live(): Promise<LiveResult[]> {
  const a = await startPeer()
  const b = await startPeer()
  try {
    const name = `live-${Date.now()}`
    const writer = await openReplica(a, name)
    const reader = await openReplica(b, name)
    if (writer.db.address !== reader.db.address) throw new Error('the two peers opened different databases')
    const joined = new Promise<void>((resolve) => reader.db.events.once('join', resolve))
    await within(workload.phaseTimeoutMs, 'connecting', b.libp2p.dial(a.libp2p.getMultiaddrs()))
    await within(workload.phaseTimeoutMs, 'heads exchange', joined)
    // gossipsub grafts its mesh on heartbeats; a first entry, untimed, shows it is ready
    const warm = await writer.db.add('warm-up')
    await until(() => reader.arrived.has(warm), workload.phaseTimeoutMs)
    const results: LiveResult[] = []
    for (const size of workload.liveSizes) {
      const samples: number[] = []
      let lost = 0
      for (let i = 0; i < workload.liveMessages; i++) {
        const started = performance.now()
        const hash = await writer.db.add(chatText(i, size))
        if (await until(() => reader.arrived.has(hash), 2_000, 1)) samples.push((reader.arrived.get(hash) as number) - started)
        else lost++
        await new Promise((resolve) => setTimeout(resolve, workload.liveGapMs))
      }
      results.push({ size, samples, lost })
      progress(`  orbitdb live ${size} B: ${samples.length} samples`)
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
    const name = `catch-up-${Date.now()}`
    const writer = await openReplica(a, name)
    const reader = await openReplica(b, name)
    const n = workload.catchUpEntries
    const writeStart = performance.now()
    let last = ''
    await within(
      workload.phaseTimeoutMs,
      `writing ${n} entries`,
      (async () => {
        for (let i = 0; i < n; i++) last = await writer.db.add(chatText(i, workload.catchUpSize))
      })()
    )
    const writeMs = performance.now() - writeStart
    progress(`  orbitdb wrote ${n} entries in ${(writeMs / 1000).toFixed(1)} s; B connects`)
    const start = performance.now()
    await within(workload.phaseTimeoutMs, 'connecting', b.libp2p.dial(a.libp2p.getMultiaddrs()))
    // B joins A's head only once it has fetched and verified every entry behind it
    const done = await until(() => reader.arrived.has(last), Math.max(0, workload.phaseTimeoutMs - (performance.now() - start)), 5)
    const ms = performance.now() - start
    const held = (await within(workload.phaseTimeoutMs, 'counting', reader.db.all())).length
    return { entries: n, held, ms, writeMs, timedOut: !done }
  } finally {
    await Promise.allSettled([a.stop(), b.stop()])
  }
}

const version = (JSON.parse(readFileSync(new URL('node_modules/@orbitdb/core/package.json', import.meta.url), 'utf8')) as { version: string }).version
const result: PeerResult = {
  system: 'OrbitDB',
  version,
  timed: {
    live: "add() on A called → 'update' event on B (events store, Helia with bitswap, LevelDB directory)",
    catchUp: "B's dial of A → B's 'update' event for A's newest entry, which OrbitDB emits once every entry behind it is fetched and verified"
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
rmSync(home, { recursive: true, force: true })
process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`)
process.exit(0)
