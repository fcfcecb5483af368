/**
 * A platform may inject a faster SHA-256 for the ids of entries that come
 * from peers (GroupLogInit.sha256; the daemon's is node:crypto's). The log
 * must compute every such id with it, and take the entries as it does with
 * noble's.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type DeviceKey, GroupLog, MemoryStore, type Sha256 } from '@causette/core'
import { sha256 } from '@noble/hashes/sha2.js'
import { entryBytes, logEntries } from '../fixtures/entry-bytes.ts'
import { freshDeviceKeys, type Replica, replicas, signatures } from '../fixtures/replicas.ts'

/** Another device's empty log of Alice's group, computing ids with `hash`. */
async function replicaHashingWith(alice: Replica, hash: Sha256): Promise<GroupLog> {
  const [key] = (await freshDeviceKeys(1)) as [DeviceKey]
  return GroupLog.open({ groupId: alice.log.id, secret: alice.log.secret, key, store: new MemoryStore(), signatures, sha256: hash })
}

describe('an injected SHA-256', () => {
  it('computes the id of every entry that comes as bytes, and the log takes them all', async () => {
    const [alice] = (await replicas(1)) as [Replica]
    for (let i = 0; i < 5; i++) await alice.log.append({ type: 'message', text: `message ${i}` })
    let hashed = 0
    const bob = await replicaHashingWith(alice, (bytes) => {
      hashed++
      return sha256(bytes)
    })
    const bytes = await entryBytes(alice.log)
    const result = await bob.add(bytes, { source: 'sync' })
    assert.equal(result.added.length, bytes.length)
    assert.equal(hashed, bytes.length)
    assert.deepEqual(
      (await logEntries(bob)).map((e) => e.idHex),
      (await logEntries(alice.log)).map((e) => e.idHex)
    )
  })

  it('is what gives the ids: with a wrong one, no entry of the group is admitted', async () => {
    const [alice] = (await replicas(1)) as [Replica]
    for (let i = 0; i < 3; i++) await alice.log.append({ type: 'message', text: `message ${i}` })
    const bob = await replicaHashingWith(alice, (bytes) => sha256(Uint8Array.from([...bytes, 0])))
    const result = await bob.add(await entryBytes(alice.log), { source: 'sync' })
    // the group's first entry is known by its id, which a wrong hash cannot give: nothing is admitted
    assert.equal(result.added.length, 0)
  })
})
