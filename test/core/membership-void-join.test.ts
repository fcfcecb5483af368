/**
 * A join that turns out void (the route simulation seed 2627 found): B
 * invites D while A, an admin, removes B; D joins on B's side and writes,
 * believing it is a member. Once the removal is known everywhere, B's invite
 * is void and so is D's join: D never was a member. What it wrote is hidden
 * from every view, like a removed member's unseen writes — whether members
 * can read it or not — and does not count as waiting for a key. A later join
 * with an invite that holds brings D in, and what it writes from then on
 * shows.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { type GroupLog, toHex } from '@causette/core'
import { freshDeviceKeys, joinReplica, merge, openReplica, type Replica, replicas } from '../fixtures/replicas.ts'

const hex = (r: Replica) => toHex(r.key.publicKey)
const texts = async (log: GroupLog) => (await log.view.messages()).messages.map((m) => m.text)

describe('membership: a join that turns out void', () => {
  it('hides what the device wrote under a void join, everywhere, and shows what it writes once a join holds (seed 2627)', async () => {
    const [a, b] = (await replicas(2)) as [Replica, Replica]
    const [dKey] = await freshDeviceKeys(1)
    const d = await openReplica(a.log, dKey as never)
    // A removes B; B, not knowing, invites D, who joins on B's side and writes
    await a.log.remove(hex(b))
    for (let i = 0; i < 3; i++) await b.log.append({ type: 'message', text: `B ${i}` })
    const inviteId = await b.log.invite()
    await merge(b, d)
    await d.log.join(inviteId)
    await d.log.append({ type: 'message', text: 'D thinks it is in' })
    await d.log.append({ type: 'message', text: 'D again' })
    await merge(d, b)
    assert.ok((await texts(b.log)).includes('D thinks it is in'), 'B, unaware of its removal, shows them')

    // everyone gets everything
    await merge(b, a)
    await merge(a, b)
    await merge(a, d)
    for (const r of [a, b, d]) {
      assert.equal(r.log.membership()?.members.has(hex(d)), false, 'D is no member')
      assert.ok(!(await texts(r.log)).some((t) => t.startsWith('D ')), 'what D wrote under the void join shows nowhere')
      assert.equal(r.log.sealedCount, 0, 'and does not count as waiting for a key')
    }
    assert.deepEqual(await a.log.view.snapshot(), await b.log.view.snapshot())

    // A invites D properly: from its join on, D is a member and what it writes shows
    await joinReplica(a, d)
    // the group key reaches a newcomer in the next rekey, which a member makes once it sees the join
    await a.log.rekey()
    await merge(a, d)
    await d.log.append({ type: 'message', text: 'D, welcome at last' })
    await merge(d, a)
    assert.equal(a.log.membership()?.members.has(hex(d)), true)
    assert.ok((await texts(a.log)).includes('D, welcome at last'))
    assert.ok(!(await texts(a.log)).includes('D thinks it is in'), 'what it wrote under the void join stays hidden')
  })
})
