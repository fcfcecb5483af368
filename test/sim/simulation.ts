/**
 * One seeded simulation run: P peers built from the real GroupLog (on memory
 * stores) and the real SyncSession, over SimNetwork, writing O operations
 * while the network drops, duplicates, delays and reorders messages, breaks
 * sync streams, partitions and heals, and peers stop and restart from their
 * stores. One or two peers start outside the group and join by invite during
 * the run; admins change roles and remove members, members rekey and leave
 * (workload.ts, membership.ts). Then the network heals and the run checks
 * convergence-check.ts, membership-check.ts and secret-holder-check.ts.
 * Everything (keys, nonces, schedule) comes from the seed, so a seed replays
 * exactly.
 */
import { createHash } from 'node:crypto'
import { type LogEntry, libp2pSignatures, type Signatures, toHex } from '@causette/core'
import { entryBytes, entryBytesOf, logEntries } from '../fixtures/entry-bytes.ts'
import { SeededRandom } from '../fixtures/random.ts'
import { type Acknowledged, convergenceProblems, holders, logsAgree } from './convergence-check.ts'
import { seededDeviceKey, seedRandomValues } from './deterministic-random.ts'
import { erasureProblems } from './erasure-check.ts'
import { EventQueue } from './event-queue.ts'
import { keyedHashSignatures } from './keyed-hash-signatures.ts'
import { lastOwn, type MembershipCounts, removedFrom, SimMembership } from './membership.ts'
import { membershipProblems } from './membership-check.ts'
import { secretHolderProblems } from './secret-holder-check.ts'
import { type FaultRates, SimNetwork } from './sim-network.ts'
import { type LogState, type PeerEnvironment, SimPeer, stateOf } from './sim-peer.ts'
import { SyncCoordinator, type SyncCounts } from './sync-coordinator.ts'
import { nextOperation, RECENT_SHOWN } from './workload.ts'

export type SignatureScheme = 'keyed-hash' | 'ed25519'

export interface SimConfig {
  seed: number
  peers: number
  ops: number
  /** keyed-hash: the fast stand-in (keyed-hash-signatures.ts); ed25519: core's real ones (libp2pSignatures). */
  signatures: SignatureScheme
  /** Receives one line per event, for replaying a failure by eye. */
  trace?: (line: string) => void
}

export interface SimReport {
  config: Omit<SimConfig, 'trace'>
  problems: string[]
  rates: FaultRates
  entries: number
  gossipSent: number
  dropped: number
  duplicated: number
  /** Gossip copies dropped by the seen cache before reaching the log. */
  seenDropped: number
  streamsBroken: number
  partitions: number
  restarts: number
  /** Disappearing messages past their deadline at the end, erased on every holder. */
  erased: number
  sync: SyncCounts
  membership: MembershipCounts
  simulatedMs: number
  events: number
  /** SHA-256 of p0's final order of entry ids: two runs of one seed must agree on it. */
  digest: string
}

/** Mean gap between two operations (ms of simulated time). */
const OPERATION_GAP_MS = 100
const ANTI_ENTROPY_MS = 10_000
/**
 * How long a peer drops copies of a gossip message it has seen, before
 * validating them (gossipsub's seen cache). Shorter than gossipsub's default
 * so that late duplicates, which a long partition or a restart also produce,
 * still reach GroupLog.add.
 */
const SEEN_TTL_MS = 1000
/** Simulated time the healed network gets to converge. */
const SETTLE_MS = 120_000
/** Events one run may take: far above what any run needs, so a livelock ends as a failure, not a hang. */
const MAX_EVENTS = 1_000_000
/** Real time one run may take before it counts as hung. */
const WALL_LIMIT_MS = 30_000
/** Simulated wall clock at the start of a run: an ordinary date, so entry times look real. */
const EPOCH_MS = Date.UTC(2025, 0, 1)
/** Recent entries each simulated log keeps in memory: few, so the store-backed paths run all the time. */
const RECENT_IN_SIMULATION = 4

/**
 * The ciphers every peer's logs run with: core's defaults if none are given
 * (noble's, except X25519, node:crypto's wherever it exists:
 * core/src/crypto/x25519.ts); a harness on a platform with faster
 * implementations of the same functions gives those (node-ciphers.ts:
 * Node's). The bytes are the same, but noble's X25519 draws random
 * blinding from the seeded source and OpenSSL's does not: a seed makes one
 * run with each, each deterministic.
 */
export type SimCiphers = Pick<PeerEnvironment, 'aead' | 'x25519' | 'sha256'>

export async function runSimulation(config: SimConfig, ciphers: SimCiphers = {}): Promise<SimReport> {
  const restoreRandom = seedRandomValues(Math.imul(config.seed, 0x9e3779b1) ^ 0x51ed)
  try {
    return await simulate(config, ciphers)
  } finally {
    restoreRandom()
  }
}

async function simulate(config: SimConfig, ciphers: SimCiphers): Promise<SimReport> {
  const random = new SeededRandom(config.seed)
  const queue = new EventQueue(config.trace)
  const problems: string[] = []
  const problem = (text: string) => {
    problems.push(`at ${(queue.now / 1000).toFixed(3)} s: ${text}`)
  }
  const keys = Array.from({ length: config.peers }, () => seededDeviceKey(random))
  let signatures: Signatures
  if (config.signatures === 'keyed-hash') {
    const keyed = keyedHashSignatures()
    for (const key of keys) keyed.register(key)
    signatures = keyed
  } else {
    signatures = libp2pSignatures()
  }
  // a handful of recent entries in memory: most parents, shown times and equivocations are read back from the store
  const env: PeerEnvironment = { signatures, now: () => EPOCH_MS + Math.floor(queue.now), recentEntries: RECENT_IN_SIMULATION, ...ciphers }
  const peers = keys.map((key, i) => new SimPeer(i, key, env))
  const rates = drawRates(random)
  const network = new SimNetwork(queue, random, config.peers, rates)
  const sync = new SyncCoordinator({ queue, network, random, peers, problem })
  const acknowledged = new Map<string, Acknowledged>()
  /** Disappearing messages written (hex id → expiry). */
  const disappearing = new Map<string, number>()
  let restarts = 0

  let seenDropped = 0
  const receiveGossip = async (to: number, from: number, bytes: Uint8Array): Promise<void> => {
    const peer = peers[to] as SimPeer
    if ((peer.seenGossip.get(bytes) ?? -1) >= queue.now) {
      seenDropped++
      return
    }
    peer.seenGossip.set(bytes, queue.now + SEEN_TTL_MS)
    const result = await peer.runningLog.add([bytes], { source: 'gossip' })
    for (const r of result.rejected) problem(`${peer.name} rejected an honest entry from p${from}: ${r.error.name}: ${r.error.message}`)
    if (result.duplicates > 0 || result.rejected.length > 0) return
    // valid (or waiting for parents): gossipsub forwards it to the rest of the mesh
    publish(to, bytes, from)
    // an entry whose parents we lack: the sender has what we missed
    if (result.pending > 0) sync.request(to, from)
  }
  const publish = (from: number, bytes: Uint8Array, except = -1) => {
    for (const n of network.neighbours(from)) if (n !== except) network.gossip(from, n, () => receiveGossip(n, from, bytes))
  }

  // the lower peer starts the sync when a link comes up, as both see the subscription (not with a device it removed)
  network.onLinkUp = (a, b) => {
    const [low, high] = [peers[Math.min(a, b)] as SimPeer, peers[Math.max(a, b)] as SimPeer]
    if (!removedFrom(low.log, toHex(high.key.publicKey))) sync.request(low.index, high.index)
  }
  const creator = peers[0] as SimPeer
  const group = await creator.createGroup('Simulated group')
  // the last one or two peers start outside the group; the others become
  // members before the network starts: an invite from the creator, the
  // creator's log handed over as a sync would, then its join
  const insiders = config.peers >= 3 ? config.peers - 1 - random.int(2) : config.peers
  for (const p of peers.slice(1, insiders)) {
    const inviteId = await group.invite()
    const log = await p.joinGroup(group.id, group.secret)
    await log.add(await entryBytes(group))
    await log.join(inviteId)
    await group.add(await entryBytes(log))
  }
  // the invites and joins are acknowledged writes like any other
  for (const e of (await logEntries(group)).slice(1)) acknowledged.set(e.idHex, { kind: e.op?.type ?? 'sealed', author: 'setup', isMessage: false })
  const acknowledge = async (peer: SimPeer, entry: LogEntry, kind: string) => {
    const isMessage = entry.op?.type === 'message'
    acknowledged.set(entry.idHex, { kind, author: peer.name, isMessage })
    if (isMessage) peer.ownMessages.push(entry.id)
    publish(peer.index, await entryBytesOf(peer.runningLog, entry))
  }
  const goOnline = (p: SimPeer) => {
    network.setOnline(p.index, true)
    sync.antiEntropy(p, ANTI_ENTROPY_MS)
  }
  const membership = new SimMembership(
    { queue, random, signatures, group, problem, acknowledge, goOnline, requestSync: (from, to) => sync.request(from.index, to.index) },
    peers.slice(insiders)
  )
  for (const p of peers) p.onStart = (started) => membership.attach(started)
  for (const p of peers.slice(0, insiders)) {
    p.joined = true
    membership.attach(p)
    goOnline(p)
  }

  // operations: by the peers that joined, members or not any more (a member waiting for the current key does not write)
  let written = 0
  const write = async (n: number): Promise<void> => {
    const ready = peers.filter((p) => p.joined && p.running && (p.runningLog.canWrite() || !p.runningLog.isMember()))
    if (ready.length === 0) {
      queue.after(OPERATION_GAP_MS * 5, `op ${n} waits for a writer`, () => write(n))
      return
    }
    const writer = random.pick(ready)
    const log = writer.runningLog
    if (!log.isMember()) {
      await membership.departedWrite(writer, peers, n)
      written++
      return
    }
    const recent = (await log.view.messages({ limit: RECENT_SHOWN })).messages.map((m) => m.id)
    const w = nextOperation({ random, writer, peers, n, membership, recent })
    const me = toHex(writer.key.publicKey)
    const seqBefore = log.authorSeqs().get(me) ?? 0
    try {
      const expires = w.expiresIn === undefined ? {} : { expires: env.now() + w.expiresIn }
      const entry = w.op !== undefined ? await log.append(w.op, expires) : await (w.action as NonNullable<typeof w.action>)(log)
      written++
      // a message with no usable epoch is preceded by the rekey append writes first: acknowledged too
      for (let seq = seqBefore + 1; seq < entry.seq; seq++)
        await acknowledge(writer, (await lastOwn(log, me, seq)) as LogEntry, 'rekey (before a write)')
      if (w.refused === true) problem(`${writer.name}, not an admin, was let remove a member or change a role`)
      membership.count(w.kind)
      await acknowledge(writer, entry, w.kind)
      if (w.expiresIn !== undefined) disappearing.set(entry.idHex, entry.expires as number)
    } catch (err) {
      if (w.refused === true && (err as Error).name === 'AdminOnlyError') {
        written++
        membership.counts.refused++
      } else problem(`${writer.name} failed to write a ${w.kind}: ${(err as Error).name}: ${(err as Error).message}`)
    }
  }
  let at = 0
  for (let n = 0; n < config.ops; n++) {
    at += random.int(2 * OPERATION_GAP_MS)
    queue.after(at, `op ${n}`, () => write(n))
  }
  const duration = at

  // faults: partitions and restarts at random moments while the operations run
  const heals: Array<() => void> = []
  for (let k = random.int(4); k > 0; k--) {
    const side = random.shuffle(peers.map((p) => p.index)).slice(0, 1 + random.int(config.peers - 1))
    const start = random.int(duration)
    const length = 200 + random.int(Math.max(1, duration / 3))
    queue.after(start, `partition {${side.map((i) => `p${i}`).join(' ')}} | rest`, () => {
      const heal = network.partition(side)
      heals.push(heal)
      queue.after(length, 'partition heals', heal)
    })
  }
  const restart = async (peer: SimPeer, before: LogState) => {
    if (peer.running) return
    const after = stateOf(await peer.restart())
    if (after.size !== before.size || after.heads !== before.heads) {
      problem(
        `${peer.name} restarted with ${after.size} entries (heads ${after.heads.slice(0, 24)}); it stopped with ${before.size} (${before.heads.slice(0, 24)})`
      )
    } else if (after.rest !== before.rest) {
      const was = JSON.parse(before.rest) as Record<string, unknown>
      const is = JSON.parse(after.rest) as Record<string, unknown>
      const differs = Object.keys(was).filter((k) => JSON.stringify(was[k]) !== JSON.stringify(is[k]))
      problem(
        `${peer.name} restarted with other ${differs.join(', ')}: ${differs.map((k) => `${JSON.stringify(is[k]).slice(0, 200)} (was ${JSON.stringify(was[k]).slice(0, 200)})`).join('; ')}`
      )
    }
    network.setOnline(peer.index, true)
    sync.antiEntropy(peer, ANTI_ENTROPY_MS)
  }
  const stopped = new Map<SimPeer, LogState>()
  for (let k = random.int(4); k > 0; k--) {
    const peer = random.pick(peers)
    const downFor = 200 + random.int(8000)
    queue.after(random.int(duration), `${peer.name} stops`, () => {
      if (!peer.running) return
      restarts++
      network.setOnline(peer.index, false)
      const state = peer.stop()
      stopped.set(peer, state)
      queue.after(downFor, `${peer.name} restarts from its store`, () => restart(peer, state))
    })
  }

  const wallDeadline = performance.now() + WALL_LIMIT_MS
  const stop = () => {
    if (problems.length === 0 && performance.now() > wallDeadline) problem(`the run took more than ${WALL_LIMIT_MS / 1000} s of real time`)
    return problems.length > 0
  }
  await queue.run(Number.POSITIVE_INFINITY, MAX_EVENTS, () => stop() || written === config.ops)
  if (written < config.ops && problems.length === 0) problem(`only ${written} of ${config.ops} operations were tried`)

  // heal: no more losses or broken streams, every partition healed, every peer back
  network.rates = { ...rates, drop: 0, streamBreak: 0 }
  for (const heal of heals) heal()
  for (const [peer, state] of stopped) await restart(peer, state)
  const healedAt = queue.now
  await queue.run(healedAt + SETTLE_MS, MAX_EVENTS, () => stop() || (sync.idle && membership.idle && logsAgree(peers)))
  // every deadline has passed by now (at most a few seconds after the last write): each peer erases what is due, as its timer would
  const finalNow = env.now()
  for (const peer of holders(peers)) await peer.runningLog.eraseExpired()
  for (const [id, expires] of disappearing) {
    const a = acknowledged.get(id)
    if (a !== undefined && expires <= finalNow) acknowledged.set(id, { ...a, isMessage: false })
  }
  if (problems.length === 0) problems.push(...(await erasureProblems(peers, disappearing, finalNow)))
  if (problems.length === 0) problems.push(...(await convergenceProblems(peers, acknowledged)))
  if (problems.length === 0) problems.push(...(await membershipProblems(peers, membership.forgedIds)))
  if (problems.length === 0) problems.push(...(await secretHolderProblems(peers, group, signatures)))

  const counts = network.counts
  return {
    config: { seed: config.seed, peers: config.peers, ops: config.ops, signatures: config.signatures },
    problems,
    rates,
    entries: acknowledged.size + 1,
    gossipSent: counts.gossipSent,
    dropped: counts.gossipDropped,
    duplicated: counts.gossipDuplicated,
    seenDropped,
    streamsBroken: counts.streamsBroken,
    partitions: counts.partitions,
    restarts,
    erased: [...disappearing.values()].filter((expires) => expires <= finalNow).length,
    sync: sync.counts,
    membership: membership.counts,
    simulatedMs: queue.now,
    events: queue.ran,
    digest: await orderDigest(creator)
  }
}

async function orderDigest(peer: SimPeer): Promise<string> {
  const hash = createHash('sha256')
  for (const e of peer.log === undefined ? [] : await logEntries(peer.log)) hash.update(e.id)
  return hash.digest('hex')
}

/** Each run draws its own weather: from a clean LAN to a lossy, slow, flaky network. */
function drawRates(random: SeededRandom): FaultRates {
  const drop = random.pick([0, 0.01, 0.05, 0.1, 0.3])
  return {
    drop,
    duplicate: random.pick([0, 0.05, 0.3]),
    maxDelay: random.pick([20, 300, 3000]),
    reorder: random.pick([0.02, 0.1, 0.5]),
    streamBreak: drop / 10
  }
}
