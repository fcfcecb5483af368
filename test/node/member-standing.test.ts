/**
 * Where this device stands in a group, said once by core and worded once by
 * the daemon: after a join that turned out void (its inviter was removed
 * first), core reports 'join void' and refuses its writes with a
 * NotMemberError that says which invite and why; the daemon's error table
 * (node/src/api/error-messages.ts) turns that into what happened and what
 * to do. Real group logs.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { inviteToken, type NotMemberError, toHex } from '@causette/core'
import { type Names, personMessage } from '@causette/node'
import { freshDeviceKeys, merge, openReplica, type Replica, replicas } from '../fixtures/replicas.ts'

const hex = (r: Replica) => toHex(r.key.publicKey)

/** How a daemon on `self`'s device would name the group "Climbing" and its people. */
const namesFor = (self: Replica, groupHex: string): Names => ({
  self: hex(self),
  group: (g) => (g === groupHex ? 'Climbing' : undefined),
  person: (_, key) => key.slice(0, 8)
})

async function refusal(r: Replica): Promise<NotMemberError> {
  const err = await r.log.append({ type: 'message', text: 'still here?' }).then(
    () => assert.fail('the write was let through'),
    (e: NotMemberError) => e
  )
  assert.equal(err.name, 'NotMemberError')
  return err
}

describe("this device's standing in a group", () => {
  it('says a join did not hold, and why — its invite was made by a member already removed — once that removal is known', async () => {
    const [a, b] = (await replicas(2)) as [Replica, Replica]
    const [dKey] = await freshDeviceKeys(1)
    const d = await openReplica(a.log, dKey as never)
    assert.equal(d.log.standing(), 'not joined', 'before anything arrived')
    await a.log.remove(hex(b))
    // B, unaware, writes on: its invite comes after the removal in the group's order
    for (let i = 0; i < 2; i++) await b.log.append({ type: 'message', text: `B ${i}` })
    const inviteId = await b.log.invite()
    await merge(b, d)
    await d.log.join(inviteId)
    assert.equal(d.log.standing(), 'member', 'as far as it knows')
    await d.log.append({ type: 'message', text: 'hello from D' })

    await merge(a, d)
    assert.equal(d.log.standing(), 'join void')
    const voided = await refusal(d)
    assert.deepEqual(
      { group: voided.group, device: voided.device, standing: voided.standing, action: voided.action, voidJoin: voided.voidJoin },
      {
        group: a.log.idHex,
        device: hex(d),
        standing: 'join void',
        action: 'send messages to it',
        voidJoin: { invite: inviteToken(inviteId), reason: 'unknown invite' }
      }
    )
    assert.equal(
      personMessage(voided, namesFor(d, a.log.idHex)),
      'your join to Climbing did not hold (whoever made your invite was no longer in the group when they made it), so you cannot send messages to it; what you wrote there is not shown to its members; ask a member for a new invite'
    )

    assert.equal(a.log.standing(hex(b)), 'removed')
    assert.equal(b.log.standing(), 'member', 'B has not heard of its removal yet')
    await merge(a, b)
    const removed = await refusal(b)
    assert.equal(removed.standing, 'removed')
    assert.equal(
      personMessage(removed, namesFor(b, a.log.idHex)),
      'you were removed from Climbing: you can no longer send messages to it; to come back, ask a member for a new invite'
    )
    assert.equal(personMessage(removed, namesFor(a, a.log.idHex)), removed.message, "a refusal of another device's write keeps core's words")
  })
})
