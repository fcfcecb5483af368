/**
 * Where this device stands in a group, in a person's words: after a join
 * that turned out void (its inviter was removed first), the daemon says so
 * and what to do, rather than "not joined yet" — and refuses its writes
 * with that message. Real group logs; the daemon's own checks
 * (node/src/daemon/member-standing.ts).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { toHex } from '@causette/core'
import { requireMember, standingIn } from '@causette/node'
import { freshDeviceKeys, merge, openReplica, type Replica, replicas } from '../fixtures/replicas.ts'

const hex = (r: Replica) => toHex(r.key.publicKey)

describe("this device's standing in a group", () => {
  it('says a join did not hold, and why, once the removal of the member who invited it is known', async () => {
    const [a, b] = (await replicas(2)) as [Replica, Replica]
    const [dKey] = await freshDeviceKeys(1)
    const d = await openReplica(a.log, dKey as never)
    assert.equal(standingIn(d.log, hex(d)), 'not joined', 'before anything arrived')
    await a.log.remove(hex(b))
    const inviteId = await b.log.invite()
    await merge(b, d)
    await d.log.join(inviteId)
    assert.equal(standingIn(d.log, hex(d)), 'member', 'as far as it knows')
    await d.log.append({ type: 'message', text: 'hello from D' })

    await merge(a, d)
    assert.equal(standingIn(d.log, hex(d)), 'join void')
    assert.throws(() => requireMember(d.log, hex(d), 'Climbing', 'send messages to it'), {
      name: 'NotAuthorizedError',
      message: /your join to Climbing did not hold .* ask a member for a new invite/
    })
    assert.equal(standingIn(a.log, hex(b)), 'removed')
    assert.doesNotThrow(() => requireMember(b.log, hex(b), 'Climbing', 'send messages to it'), 'B has not heard of its removal yet')
    await merge(a, b)
    assert.throws(() => requireMember(b.log, hex(b), 'Climbing', 'send messages to it'), { message: /you were removed from Climbing/ })
  })
})
