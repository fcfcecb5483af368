/**
 * Catch-up of a daemon holding a large group: after the ingest, the writer
 * (in the benchmark's process) gains entries the daemon never saw, as if
 * written while the daemon was offline, and one sync session from the
 * writer reconciles the two over their connection. The daemon reads its
 * side (fingerprints, keys) from its SQLite store; the writer's is in
 * memory. Compared with the lower bound, the encoded size of the missing
 * entries, as the catch-up benchmark does.
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { type CausettePeer, decodeEntry, type GroupLog } from '@causette/core'
import { eventually } from '../node/fixtures/daemons.ts'
import type { Metric } from './harness.ts'
import { cpuTime } from './process-cpu.ts'

export interface HeldBack {
  id: Uint8Array
  bytes: Uint8Array
}

/** A full garbage collection of this process's heap, now (V8's gc(), without starting Node with --expose-gc). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc')
  ;(runInNewContext('gc') as () => void)()
}

/** Target of the catch-up rows (the issue's): at most 1 s, at most 1.1× the lower bound. */
const TIME_TARGET = { op: '<=' as const, value: 1000 }
const BYTES_TARGET = { op: '<=' as const, value: 1.1 }

export async function daemonCatchUp(
  writer: { peer: CausettePeer; log: GroupLog },
  held: HeldBack[],
  daemonEntries: () => Promise<number>,
  /** Messages the daemon took in before (what the rows are named by: its log also holds the members' joins). */
  messages: number,
  /** The daemon's process id: its CPU time over the session is reported too (steadier than the time, which the writer's process shares). */
  daemonPid: number
): Promise<Metric[]> {
  const before = await daemonEntries()
  const daemon = writer.peer.status(writer.log.idHex).connectedMembers[0]
  if (daemon === undefined) throw new Error('the writer is not connected to the daemon')
  // the writer gains them as it would from another peer: nothing is published; trusted, as the
  // ingest's are (this process signed them)
  await writer.log.add(
    held.map((e) => decodeEntry(e.bytes, e.id)),
    { source: 'sync', trusted: true }
  )
  // the writer's heap holds every entry of the group (a million): collected now, so that a full
  // collection of it does not land in the session and take the core the daemon needs (it did: the
  // writer's process used 3.5–3.9 s of CPU in some sessions of ~1 s, against ~0.2 in the others)
  collectGarbage()
  const cpuBefore = await cpuTime(daemonPid)
  const ownBefore = process.cpuUsage()
  const start = performance.now()
  const session = await writer.peer.sync(writer.log.idHex, daemon)
  const sessionMs = performance.now() - start
  const cpuAfter = await cpuTime(daemonPid)
  const own = process.cpuUsage(ownBefore)
  await eventually(async () => (await daemonEntries()) >= before + held.length, `the daemon to hold the ${held.length} entries`, 120_000)
  const storedMs = performance.now() - start
  const lowerBound = held.reduce((n, e) => n + e.bytes.byteLength, 0)
  const bytes = session.bytesIn + session.bytesOut
  const d = held.length.toLocaleString('en-US')
  const among = messages.toLocaleString('en-US')
  const conditions = `a daemon holding ${before.toLocaleString('en-US')} entries of one group (after the ingest) lacks the ${d} newest; one sync session from a peer holding them all, over TCP on 127.0.0.1; ${session.sent} entries sent, ${session.rounds} ranges messages`
  return [
    {
      name: `daemon catch-up of ${d} among ${among} messages: time`,
      value: Math.round(sessionMs),
      unit: 'ms',
      target: TIME_TARGET,
      conditions: `${conditions}; the session's time, the daemon held them all ${Math.round(storedMs)} ms after it began; the daemon's CPU over the session ${Math.round((cpuAfter.total - cpuBefore.total) * 1000)} ms (main thread ${Math.round((cpuAfter.main - cpuBefore.main) * 1000)} ms), the writer's process's ${Math.round((own.user + own.system) / 1000)} ms`
    },
    {
      name: `daemon catch-up of ${d} among ${among} messages: bytes / lower bound`,
      value: Math.round((bytes / lowerBound) * 1000) / 1000,
      unit: '×',
      target: BYTES_TARGET,
      conditions: `${conditions}; ${bytes.toLocaleString('en-US')} B both ways, lower bound ${lowerBound.toLocaleString('en-US')} B`
    }
  ]
}
