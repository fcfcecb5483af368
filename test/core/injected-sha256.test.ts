/**
 * A platform may inject a faster SHA-256 for the ids of entries that come
 * from peers (GroupLogInit.sha256; the daemon's is node:crypto's). The log
 * must compute every such id with it, and take the entries as it does with
 * noble's.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type DeviceKey, GroupLog, MemoryStore } from '@causette/core'
import { sha256 } from '@noble/hashes/sha2.js'
import { entryBytes, logEntries } from '../fixtures/entry-bytes.ts'
import { freshDeviceKeys, type Replica, replicas, signatures } from '../fixtures/replicas.ts'

describe('an injected SHA-256', () => {
  it('computes the id of every entry that comes as bytes, and the log takes them all', async () => {
    const [alice] = (await replicas(1)) as [Replica]
    for (let i = 0; i < 5; i++) await alice.log.append({ type: 'message', text: `message ${i}` })
    const [key] = await freshDeviceKeys(1)
    let hashed = 0
    const counted = (bytes: Uint8Array) => {
      hashed++
      return sha256(bytes)
    }
    const bob = await GroupLog.open({
      groupId: alice.log.id,
      secret: alice.log.secret,
      key: key as DeviceKey,
      store: new MemoryStore(),
      signatures,
      sha256: counted
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
    const [key] = await freshDeviceKeys(1)
    const wrong = (bytes: Uint8Array) => sha256(Uint8Array.from([...bytes, 0]))
    const bob = await GroupLog.open({
      groupId: alice.log.id,
      secret: alice.log.secret,
      key: key as DeviceKey,
      store: new MemoryStore(),
      signatures,
      sha256: wrong
    })
    const result = await bob.add(await entryBytes(alice.log), { source: 'sync' })
    // the group's first entry is known by its id, which a wrong hash cannot give: nothing is admitted
    assert.equal(result.added.length, 0)
  })
})
