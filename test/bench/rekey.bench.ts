/**
 * Key rotation cost: a new epoch key granted to groups of 10, 100 and 1,000
 * members (X25519 per member, as a rekey or removal does), written as a
 * signed entry: time to make it and its encoded size; and the time for one
 * member to open its share.
 */
import { encodeOperation, generateDeviceKey, grantEpochKey, memberKeyPair, newEpochKey, openGrant, sealHistory, writeEntry } from '@causette/core'
import { nodeSignatures } from '@causette/node'
import type { Benchmark, Metric } from './harness.ts'

export const rekeyBenchmark: Benchmark = {
  name: 'rekey',
  async run(ctx) {
    const signatures = nodeSignatures()
    const metrics: Metric[] = []
    const writer = await generateDeviceKey()
    const groupId = new Uint8Array(32).fill(7)
    for (const size of [10, 100, 1000]) {
      const members = await Promise.all(Array.from({ length: size }, () => generateDeviceKey()))
      const memberKeys = members.map((m) => memberKeyPair(m))
      const start = performance.now()
      const epochKey = newEpochKey()
      const grant = grantEpochKey(
        epochKey,
        memberKeys.map((k) => k.publicKey),
        groupId
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
      const opened = openGrant(grant, size - 1, memberKeys[size - 1] as ReturnType<typeof memberKeyPair>, groupId)
      const openMs = performance.now() - openStart
      if (opened === undefined) throw new Error('the last member could not open its share')
      const conditions = `${size} members, one rekey entry (grant + key history of one epoch), signed`
      metrics.push(
        { name: `rekey ${size} members: time to make`, value: Math.round(makeMs * 10) / 10, unit: 'ms', conditions },
        { name: `rekey ${size} members: entry size`, value: entry.bytes.byteLength, unit: 'B', conditions },
        { name: `rekey ${size} members: time for a member to open its key`, value: Math.round(openMs * 100) / 100, unit: 'ms', conditions }
      )
      ctx.log(`  ${size} members: ${makeMs.toFixed(1)} ms, ${entry.bytes.byteLength} B (operation ${encodeOperation(op).byteLength} B)`)
    }
    return metrics
  }
}
