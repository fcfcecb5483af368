/**
 * Causette doing the comparison's work, in a process of its own like the
 * other systems: two CausettePeers in this process over TCP on 127.0.0.1,
 * live latency and catch-up of a peer that was offline. Run by
 * comparison.bench.ts with the workload as argv[2]; prints one PeerResult line.
 */
import { readFileSync } from 'node:fs'
import { connect, logOf, shareGroup, startPeers, stopAll, waitForMembers } from '../fixtures/peers.ts'
import {
  type CatchUpResult,
  chatText,
  type LiveResult,
  type PeerResult,
  type PeerWorkload,
  RESULT_PREFIX,
  until,
  within
} from './comparison-workload.ts'

const workload = JSON.parse(process.argv[2] ?? '{}') as PeerWorkload
const progress = (line: string) => process.stderr.write(`${line}\n`)

async function live(): Promise<LiveResult[]> {
  const peers = await startPeers(2, { transport: 'tcp' })
  const [a, b] = peers as [(typeof peers)[number], (typeof peers)[number]]
  try {
    const groupId = await shareGroup(peers)
    const arrived = new Map<string, number>()
    b.peer.addEventListener('entries', (evt) => {
      const now = performance.now()
      for (const e of evt.detail.entries) arrived.set(e.idHex, now)
    })
    await within(workload.phaseTimeoutMs, 'connecting', connect(b, a))
    await within(workload.phaseTimeoutMs, 'subscriptions', waitForMembers(peers, groupId, 1, workload.phaseTimeoutMs))
    // gossipsub grafts its mesh on heartbeats; a first message, untimed, shows it is ready
    const warm = await a.peer.send(groupId, { type: 'message', text: 'warm-up' })
    await until(() => arrived.has(warm.idHex), workload.phaseTimeoutMs)
    const results: LiveResult[] = []
    for (const size of workload.liveSizes) {
      const samples: number[] = []
      let lost = 0
      for (let i = 0; i < workload.liveMessages; i++) {
        const started = performance.now()
        const entry = await a.peer.send(groupId, { type: 'message', text: chatText(i, size) })
        if (await until(() => arrived.has(entry.idHex), 2_000, 1)) samples.push((arrived.get(entry.idHex) as number) - started)
        else lost++
        await new Promise((resolve) => setTimeout(resolve, workload.liveGapMs))
      }
      results.push({ size, samples, lost })
      progress(`  causette live ${size} B: ${samples.length} samples`)
    }
    return results
  } finally {
    await stopAll(peers)
  }
}

async function catchUp(): Promise<CatchUpResult> {
  const peers = await startPeers(2, { transport: 'tcp' })
  const [a, b] = peers as [(typeof peers)[number], (typeof peers)[number]]
  try {
    // B is a member (it joined before going offline) but not connected while A writes
    const groupId = await shareGroup(peers)
    const n = workload.catchUpEntries
    const writeStart = performance.now()
    await within(
      workload.phaseTimeoutMs,
      `writing ${n} messages`,
      (async () => {
        for (let i = 0; i < n; i++) await a.peer.send(groupId, { type: 'message', text: chatText(i, workload.catchUpSize) })
      })()
    )
    const writeMs = performance.now() - writeStart
    progress(`  causette wrote ${n} messages in ${(writeMs / 1000).toFixed(1)} s; B connects`)
    const behind = logOf(b, groupId).size
    const total = logOf(a, groupId).size
    const start = performance.now()
    await within(workload.phaseTimeoutMs, 'connecting', connect(b, a))
    const done = await until(() => logOf(b, groupId).size >= total, Math.max(0, workload.phaseTimeoutMs - (performance.now() - start)), 5)
    const ms = performance.now() - start
    return { entries: n, held: logOf(b, groupId).size - behind, ms, writeMs, timedOut: !done }
  } finally {
    await stopAll(peers)
  }
}

const version = (JSON.parse(readFileSync(new URL('../../core/package.json', import.meta.url), 'utf8')) as { version: string }).version
const result: PeerResult = {
  system: 'Causette',
  version,
  timed: {
    live: "send() on A called → 'entries' event on B (gossipsub, entry verified, decrypted and added; memory stores)",
    catchUp: "B's dial of A → B's group log holds every entry (sync on connect: membership proof, reconciliation, transfer, verify, decrypt, add)"
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
