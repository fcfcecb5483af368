/**
 * More members joining at once than an entry may name as parents
 * (MAX_PARENTS, 32): each join is a head of its own. A rekey grants the
 * members its entry stands on, so it takes as many rekeys as it takes;
 * `rekey()` writes them, and then every member reads what is written.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { GroupLog, MAX_PARENTS, MemoryStore } from '@causette/core'
import { entryBytes, entryBytesOf } from '../fixtures/entry-bytes.ts'
import { freshDeviceKeys, type Replica, replicas, signatures } from '../fixtures/replicas.ts'

describe('many members joining at once', () => {
  it(`grants the key to ${MAX_PARENTS + 28} concurrent joiners with one call to rekey, and each reads the next message`, async () => {
    const [admin] = (await replicas(1)) as [Replica]
    const count = MAX_PARENTS + 28
    const invites: Uint8Array[] = []
    for (let i = 0; i < count; i++) invites.push(await admin.log.invite())
    const known = await entryBytes(admin.log)
    const members: GroupLog[] = []
    for (const [i, key] of (await freshDeviceKeys(count)).entries()) {
      const member = await GroupLog.open({ groupId: admin.log.id, secret: admin.log.secret, key, store: new MemoryStore(), signatures })
      await member.add(known)
      await admin.log.add([await entryBytesOf(member, await member.join(invites[i] as Uint8Array))])
      members.push(member)
    }
    assert.ok(admin.log.heads().length > MAX_PARENTS, 'more heads than one entry can name')
    await admin.log.rekey()
    assert.equal(admin.log.needsRekey(), false, 'every member is covered')
    await admin.log.append({ type: 'message', text: 'welcome, all' })
    const all = await entryBytes(admin.log)
    for (const member of members) {
      const result = await member.add(all)
      assert.deepEqual(result.rejected, [])
      assert.deepEqual(
        (await member.view.messages()).messages.map((m) => m.text),
        ['welcome, all']
      )
    }
  })
})
