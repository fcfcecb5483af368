/**
 * The daemon benchmark's ingest: messages one daemon takes in from peers
 * over gossip, and the daemon's memory once they are in.
 */
import { join } from 'node:path'
import { CausettePeer, type DeviceKey, decodeEntry, GroupLog, generateDeviceKey, MemoryStore, parseInvite } from '@causette/core'
import type { GroupSummary, InviteResponse, StatusResponse } from '@causette/node'
import { coalesceWrites, nodeSignatures, wasmXChaCha } from '@causette/node'
import { nodeSha256 } from '@causette/node/node-hashes'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { entryBytes, entryBytesOf } from '../fixtures/entry-bytes.ts'
import { DaemonProcess, eventually } from '../node/fixtures/daemons.ts'
import { Api } from './daemon-api.ts'
import { daemonCatchUp } from './daemon-catch-up.ts'
import { EntryReel } from './entry-reel.ts'
import type { Metric, Target } from './harness.ts'
import { type CpuTime, cpuTime } from './process-cpu.ts'
import { messageText } from './synthetic-log.ts'
import { TopicListener } from './topic-listener.ts'

/** The 150 MB after ingesting 100,000 messages and 200 MB after 1,000,000, in MiB. */
const RSS_TARGETS: Record<number, Target> = { 100000: { op: '<=', value: 143 }, 1000000: { op: '<=', value: 190 } }
/** Idle time before the daemon's memory is read again after an ingest: V8's memory reducer runs ~8 s after a burst. */
const SETTLE_AFTER_INGEST_MS = 15_000

/**
 * The in-process writer and members sign as a daemon does (node:crypto). The
 * writer takes the entries its own members signed as trusted, so each
 * signature is checked once, by the daemon.
 */
const WRITERS_SIGNATURES = nodeSignatures()

/** An in-process peer over TCP on 127.0.0.1 that joins the daemon's group with an invite link. */
async function joiningPeer(key: DeviceKey, link: string): Promise<{ peer: CausettePeer; log: GroupLog }> {
  const peer = await CausettePeer.create({
    key,
    store: new MemoryStore(),
    signatures: WRITERS_SIGNATURES,
    // a Node peer, with the body cipher and hash a daemon uses
    aead: wasmXChaCha,
    sha256: nodeSha256,
    transports: [tcp()],
    listen: ['/ip4/127.0.0.1/tcp/0'],
    antiEntropyMs: 0
  })
  // a Node peer writes to its sockets as the daemon does
  peer.libp2p.addEventListener('connection:open', (evt) => coalesceWrites(evt.detail))
  await peer.start()
  const log = await peer.acceptInvite(parseInvite(link))
  return { peer, log }
}

/**
 * Core's flood protection admits each author's gossip at 100 entries a
 * second after a burst of 200. The messages are spread over up to 100
 * members, written in turn, so at the publisher's pace (8,000/s) each
 * author stays under 100/s: 20 members of 100 messages in a quick run, 100
 * of 1,000 in a full one.
 */
const MAX_AUTHORS = 100
const authorsFor = (messages: number) => Math.min(MAX_AUTHORS, Math.ceil(messages / 100))

/**
 * `count` more members of the writer's group, made in this process: the
 * writer invites them, each joins with its own key, and the writer grants
 * them the group's key. They reach the daemon by sync, not gossip.
 */
async function moreMembers(writer: { peer: CausettePeer; log: GroupLog }, count: number): Promise<GroupLog[]> {
  const inviteIds: Uint8Array[] = []
  for (let i = 0; i < count; i++) inviteIds.push(await writer.log.invite())
  const known = await entryBytes(writer.log)
  const members: GroupLog[] = []
  for (const inviteId of inviteIds) {
    const member = await GroupLog.open({
      groupId: writer.log.id,
      secret: writer.log.secret,
      key: await generateDeviceKey(),
      store: new MemoryStore(),
      signatures: WRITERS_SIGNATURES,
      aead: wasmXChaCha,
      sha256: nodeSha256
    })
    await member.add(known)
    await writer.log.add([await entryBytesOf(member, await member.join(inviteId))])
    members.push(member)
    // every await here resolves without I/O: without a turn of the event loop, 100 members (~20 s) left
    // the daemon's pings unanswered, it dropped the writer, and the sync below failed on the closed connection
    await new Promise((resolve) => setImmediate(resolve))
  }
  // messages go only under keys granted to members: one rekey grants every newcomer the group's key
  await writer.log.rekey()
  const all = await entryBytes(writer.log)
  for (const member of members) {
    await member.add(all)
    await new Promise((resolve) => setImmediate(resolve))
  }
  const daemon = writer.peer.status(writer.log.idHex).connectedMembers[0]
  if (daemon === undefined) throw new Error('the writer is not connected to the daemon')
  // one sync brings the daemon every join and the key
  await writer.peer.sync(writer.log.idHex, daemon)
  return members
}

/**
 * Messages one daemon takes in from a peer over gossip and passes on: a
 * writer peer (in this process) publishes entries it wrote beforehand; the
 * daemon verifies, stores, indexes and forwards each to a bare gossipsub
 * listener (also in this process) connected to it alone, which only counts
 * them. The rate is timed over the first `measured` messages; a full run
 * goes on to 100,000 (the sustained rate, and the memory the target
 * is for). The listener is not a second daemon on purpose: on this
 * 2-core machine a second daemon checking everything again takes the core
 * the measured one would otherwise have, and the metric is one daemon's rate.
 */
const PUBLISH_RATE = 8_000
const PUBLISH_SLICE = 200
/** Messages the publisher may be ahead of the daemon's intake. */
const PUBLISH_WINDOW = 4_000

/** The writer connected to the daemon again (TCP) if it was dropped, and the daemon seeing it as a member. */
async function connected(writer: { peer: CausettePeer }, addresses: string[], seen: () => Promise<boolean>): Promise<void> {
  if (await seen()) return
  const address = addresses.find((a) => a.includes('/tcp/') && !a.includes('/ws'))
  if (address === undefined) throw new Error('the daemon has no TCP address')
  await writer.peer.libp2p.dial(multiaddr(address))
  await eventually(seen, 'the writer to be connected to the daemon again')
}

/** Looks at the daemon (its process id) at the moments its memory is measured; for the diagnostic scripts, never in a recorded run. */
export type MemoryProbe = (pid: number, moment: 'ingested' | 'settled') => Promise<void>

export interface IngestOptions {
  probe?: MemoryProbe
  /** Entries written beyond `total` and kept from the daemon, for a catch-up once the memory is measured (daemon-catch-up.ts). */
  catchUp?: number
}

export async function ingest(measured: number, total: number, root: string, options: IngestOptions = {}): Promise<Metric[]> {
  const { probe, catchUp = 0 } = options
  const daemon = await DaemonProcess.start(join(root, 'ingest'))
  const api = await Api.of(daemon)
  const abort = new AbortController()
  let writer: { peer: CausettePeer; log: GroupLog } | undefined
  let listener: TopicListener | undefined
  try {
    const { group } = await api.call<{ group: GroupSummary }>('POST', `/v1/groups`, { name: 'Ingest' })
    const invite = async () => (await api.call<InviteResponse>('POST', `/v1/groups/${group.id}/invites`, {})).link
    writer = await joiningPeer(await generateDeviceKey(), await invite())
    const groupPath = `/v1/groups/${group.id}`
    const entriesOf = async () => (await api.call<{ group: { entries: number; connectedMembers: number } }>('GET', groupPath)).group
    await eventually(async () => (await entriesOf()).connectedMembers === 1, 'the writer to subscribe')
    // many members each within core's per-author gossip rate: one device publishing thousands of its
    // own entries at once is what flood protection cuts off, and no chat sounds like that
    const authors = await moreMembers(writer, authorsFor(total))
    await eventually(async () => writer?.log.size === (await entriesOf()).entries, 'the daemon to hold the whole log')
    // in one reel of buffers, not a million small objects for this process's collector to go through
    const written = new EntryReel()
    for (let i = 0; i < total + catchUp; i++) {
      const author = authors[i % authors.length] as GroupLog
      const entry = await author.append({ type: 'message', text: messageText(i) })
      written.push(entry.id, await entryBytesOf(author, entry))
      // writing 100,000 takes ~12 s: let this process answer its connections' pings meanwhile, or the
      // daemon drops the writer as dead and the first messages published go nowhere
      if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve))
    }
    // written with the rest (the authors' chains go on), published never: the catch-up's
    const held = written.slice(total, total + catchUp)
    // the authors' logs hold every entry they wrote (much of this process's heap for a million, whose
    // collections then took the core the daemon needs): what is published is in `written`, so they go
    const authorCount = authors.length
    authors.splice(0)
    // writing a million takes minutes, and GC pauses of this process's large heap may outlast the
    // daemon's patience with the writer: connected again if it was dropped
    await connected(writer, daemon.ready.addresses, async () => (await entriesOf()).connectedMembers === 1)
    listener = await TopicListener.start(writer.log.topic, daemon.ready.addresses)
    // gossipsub grafts its mesh on heartbeats (1 s)
    await new Promise((resolve) => setTimeout(resolve, 2500))
    const counts = await api.countEntries(abort.signal)
    const topic = writer.log.topic
    const pubsub = writer.peer.libp2p.services.pubsub
    const all = () => [...counts.values()].reduce((a, b) => a + b, 0)
    const takenBefore = all()
    const taken = () => all() - takenBefore
    // when the first `measured` were in, and how they had come
    let measuredAt: { seconds: number; gossip: number; sync: number; cpu: Promise<CpuTime>; ownCpu: NodeJS.CpuUsage } | undefined
    const daemonPid = daemon.process.pid as number
    const cpuBefore = await cpuTime(daemonPid)
    const ownCpuBefore = process.cpuUsage()
    const start = performance.now()
    const checkMeasured = () => {
      if (measuredAt === undefined && taken() >= measured)
        measuredAt = {
          seconds: (performance.now() - start) / 1000,
          gossip: counts.get('gossip') ?? 0,
          sync: counts.get('sync') ?? 0,
          cpu: cpuTime(daemonPid),
          ownCpu: process.cpuUsage(ownCpuBefore)
        }
    }
    // paced at up to 8,000 a second, and never more than a window ahead of what the daemon has taken
    // in: gossipsub writes to a stream without backpressure and resets it when its buffer overflows,
    // so a publisher running away from the daemon measures stream resets and sync, not ingest
    for (let i = 0; i < total; i += PUBLISH_SLICE) {
      const sliceStart = performance.now()
      // bounded: what gossip dropped comes only by sync, later
      const patience = sliceStart + 10_000
      while (i - taken() > PUBLISH_WINDOW && performance.now() < patience) await new Promise((resolve) => setTimeout(resolve, 2))
      checkMeasured()
      const slice = written.slice(i, Math.min(total, i + PUBLISH_SLICE))
      await Promise.all(slice.map((e) => pubsub.publish(topic, e.bytes).catch(() => undefined)))
      // the writer holds what it published, so what gossip drops can come by sync from it; only that:
      // holding everything up front let the first sync (after one entry arrived out of order) fetch
      // every message not yet published, and measure sync instead of gossip
      // decoded with the ids the authors computed, and trusted (this process signed them): the writer's
      // own copy costs this process no hashing and no signature checks; the daemon checks every one
      await writer.log.add(
        slice.map((e) => decodeEntry(e.bytes, e.id)),
        { source: 'sync', trusted: true }
      )
      const due = sliceStart + (PUBLISH_SLICE / PUBLISH_RATE) * 1000
      if (performance.now() < due) await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())))
    }
    const published = performance.now() - start
    await eventually(
      () => {
        checkMeasured()
        return taken() >= total
      },
      `the daemon to take in ${total} messages`,
      300_000
    )
    const seconds = (performance.now() - start) / 1000
    const heard = listener
    await eventually(() => heard.received >= total, 'the listener to have every message forwarded', 60_000).catch(() => undefined)
    const forwardedSeconds = (performance.now() - start) / 1000
    const status = await api.call<StatusResponse>('GET', '/v1/status')
    await probe?.(daemonPid, 'ingested')
    const first = measuredAt as { seconds: number; gossip: number; sync: number; cpu: Promise<CpuTime>; ownCpu: NodeJS.CpuUsage }
    const cpuAfter = await first.cpu
    const perMessage = (seconds: number) => Math.round((seconds * 1e6) / measured)
    const how = `${authorCount} members (${Math.ceil(total / authorCount)} each, written in turn, within core's per-author gossip rate) published by one peer over gossip at up to ${PUBLISH_RATE.toLocaleString('en-US')}/s and at most ${PUBLISH_WINDOW.toLocaleString('en-US')} ahead of the daemon; the daemon verifies each signature, decrypts, stores and indexes it and forwards it to a gossipsub listener connected to it alone`
    const metrics: Metric[] = [
      {
        name: 'messages ingested from peers',
        value: Math.round(measured / first.seconds),
        unit: 'messages/s',
        target: { op: '>=', value: 5_000 },
        conditions: `the first ${measured} messages of ~200 B by ${how}; ${first.gossip} of them reached the daemon by gossip, ${first.sync} by sync`
      },
      {
        name: 'daemon CPU per message ingested',
        value: perMessage(cpuAfter.total - cpuBefore.total),
        unit: 'µs',
        conditions: `CPU time of the daemon process (all threads, from /proc) over the first ${measured} messages, per message; its main thread alone ${perMessage(cpuAfter.main - cpuBefore.main)} µs; the benchmark's own process (the writer, its members and the listener) ${perMessage((first.ownCpu.user + first.ownCpu.system) / 1e6)} µs. Steadier than the rate, which also depends on how much of the 2 cores the benchmark's own peers take`
      }
    ]
    if (total > measured) {
      metrics.push({
        name: `messages ingested from peers, sustained over ${total.toLocaleString('en-US')}`,
        value: Math.round(total / seconds),
        unit: 'messages/s',
        target: { op: '>=', value: 5_000 },
        conditions: `all ${total} messages, published in ${(published / 1000).toFixed(1)} s, taken in after ${seconds.toFixed(1)} s (${counts.get('gossip') ?? 0} by gossip, ${counts.get('sync') ?? 0} by sync); the listener had ${heard.received} after ${forwardedSeconds.toFixed(1)} s`
      })
    }
    // what the daemon holds once the burst is over: V8 gives back the heap it grew to some seconds after
    await new Promise((resolve) => setTimeout(resolve, SETTLE_AFTER_INGEST_MS))
    const settled = await api.call<StatusResponse>('GET', '/v1/status')
    await probe?.(daemonPid, 'settled')
    metrics.push(
      {
        name: `daemon RSS right after ingesting ${total.toLocaleString('en-US')} messages`,
        value: Math.round(status.rssBytes / 2 ** 20),
        unit: 'MiB',
        conditions: `resident memory of the daemon the moment it had taken in ${total} messages from peers: its heap still as large as the burst made it (the garbage of the burst, not history: an open group keeps no entry of it in memory)`
      },
      {
        name: `daemon RSS after ingesting ${total.toLocaleString('en-US')} messages`,
        value: Math.round(settled.rssBytes / 2 ** 20),
        unit: 'MiB',
        ...(RSS_TARGETS[total] === undefined ? {} : { target: RSS_TARGETS[total] }),
        conditions: `resident memory of the daemon ${SETTLE_AFTER_INGEST_MS / 1000} s after it took in ${total} messages from peers (the issue's targets: 150 MB for 100,000, 200 MB for 1,000,000)`
      }
    )
    const inWriter = writer
    if (held.length > 0) metrics.push(...(await daemonCatchUp(inWriter, held, async () => (await entriesOf()).entries, total, daemonPid)))
    return metrics
  } catch (err) {
    if (!daemon.running) throw new Error(`the daemon died during the ingest run: ${daemon.stderr.slice(-3000)}`, { cause: err })
    throw err
  } finally {
    abort.abort()
    await listener?.stop()
    await writer?.peer.stop()
    await daemon.stop()
  }
}
