/**
 * Key rotation cost: a new epoch key granted to groups of 10, 100 and 1,000
 * members (X25519 per member, as a rekey or removal does), written as a
 * signed entry: time to make it and its encoded size; and the time for one
 * member to open its share. With the daemon's X25519 (OpenSSL's,
 * node-x25519.ts) and, in the rows that say so, noble's, which a browser
 * tab runs.
 */
import {
  encodeOperation,
  generateDeviceKey,
  grantEpochKey,
  memberKeyPair,
  newEpochKey,
  nobleX25519,
  openGrant,
  sealHistory,
  writeEntry,
  type X25519
} from '@causette/core'
import { nodeSignatures, nodeX25519 } from '@causette/node'
import type { Benchmark, Metric } from './harness.ts'

export const rekeyBenchmark: Benchmark = {
  name: 'rekey',
  async run(ctx) {
    const signatures = nodeSignatures()
    const metrics: Metric[] = []
    const writer = await generateDeviceKey()
    const groupId = new Uint8Array(32).fill(7)
    const runs: Array<{ x25519: X25519; label: string; as: string }> = [
      { x25519: nodeX25519, label: '', as: "the daemon's X25519 (OpenSSL)" },
      { x25519: nobleX25519, label: ' (noble, as in a browser)', as: "noble's X25519, a browser tab's" }
    ]
    for (const { x25519, label, as } of runs)
      for (const size of [10, 100, 1000]) {
        const members = await Promise.all(Array.from({ length: size }, () => generateDeviceKey()))
        const memberKeys = members.map((m) => memberKeyPair(m, x25519))
        const start = performance.now()
        const epochKey = newEpochKey()
        const grant = grantEpochKey(
          epochKey,
          memberKeys.map((k) => k.publicKey),
          groupId,
          x25519
        )
        const op = {
          type: 'rekey' as const,
          grant,
          history: sealHistory(epochKey, [{ epoch: new Uint8Array(16).fill(1), key: newEpochKey() }]),
          covers: [new Uint8Array(16).fill(1)]
        }
        const entry = await writeEntry(writer, signatures, {
          group: groupId,
          seq: 2,
          prev: new Uint8Array(32),
          clock: 10,
          parents: [new Uint8Array(32)],
          time: Date.now(),
          epoch: new Uint8Array(0),
          op,
          epochKey: new Uint8Array(32)
        })
        const makeMs = performance.now() - start
        const openStart = performance.now()
        const opened = openGrant(grant, size - 1, memberKeys[size - 1] as ReturnType<typeof memberKeyPair>, groupId, x25519)
        const openMs = performance.now() - openStart
        if (opened === undefined) throw new Error('the last member could not open its share')
        const conditions = `${size} members, one rekey entry (grant + key history of one epoch), signed; ${as}`
        metrics.push(
          { name: `rekey ${size} members${label}: time to make`, value: Math.round(makeMs * 10) / 10, unit: 'ms', conditions },
          { name: `rekey ${size} members${label}: entry size`, value: entry.bytes.byteLength, unit: 'B', conditions },
          { name: `rekey ${size} members${label}: time for a member to open its key`, value: Math.round(openMs * 100) / 100, unit: 'ms', conditions }
        )
        ctx.log(`  ${size} members${label}: ${makeMs.toFixed(1)} ms, ${entry.bytes.byteLength} B (operation ${encodeOperation(op).byteLength} B)`)
      }
    return metrics
  }
}
