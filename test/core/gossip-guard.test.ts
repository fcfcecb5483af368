import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AUTHOR_BURST, AUTHOR_RATE, BAN_PENALTY, FLOOD_GRACE, GossipGuard, PENALTY_HALF_LIFE_MS } from '@causette/core'

function clocked() {
  let now = 1_000_000
  const guard = new GossipGuard({ now: () => now })
  return {
    guard,
    advance: (ms: number) => {
      now += ms
    }
  }
}

/** Admits `n` entries of `author` from `peer` at once; counts the outcomes. */
function send(guard: GossipGuard, peer: string, author: string, own: boolean, n: number) {
  const count = { admit: 0, throttle: 0, flood: 0 }
  for (let i = 0; i < n; i++) count[guard.admit(peer, author, own)]++
  return count
}

describe('gossip guard', () => {
  it('admits an author’s burst, then its rate, and drops the rest without blaming anyone', () => {
    const { guard, advance } = clocked()
    assert.deepEqual(send(guard, 'bob', 'alice', false, AUTHOR_BURST + 50), { admit: AUTHOR_BURST, throttle: 50, flood: 0 })
    advance(1000)
    assert.equal(send(guard, 'bob', 'alice', false, 1000).admit, AUTHOR_RATE)
    assert.equal(guard.penalty('bob'), 0, 'a forwarder is never blamed for someone else’s rate')
  })

  it('only slows a device writing its own entries at a thousand a second, and cuts off one flooding at ten thousand', () => {
    const writer = clocked()
    for (let ms = 0; ms < 3000; ms++) {
      send(writer.guard, 'writer', 'writer', true, 1)
      writer.advance(1)
    }
    assert.equal(writer.guard.penalty('writer'), 0, 'a fast writer is throttled, not punished')
    const flooder = clocked()
    const banned: string[] = []
    flooder.guard.onBan = (peer) => banned.push(peer)
    let sent = 0
    while (banned.length === 0 && sent < 20_000) {
      send(flooder.guard, 'mallory', 'mallory', true, 10)
      flooder.advance(1)
      sent += 10
    }
    assert.deepEqual(banned, ['mallory'])
    assert.ok(sent < AUTHOR_BURST + 2 * FLOOD_GRACE, `cut off after ${sent} entries`)
    assert.ok(flooder.guard.score('mallory') <= -BAN_PENALTY && flooder.guard.graylisted('mallory'))
  })

  it('blames the sender of forged or foreign entries, and the author alone for what a forwarder could not check', () => {
    const { guard } = clocked()
    assert.equal(guard.rejected('bob', Object.assign(new Error('x'), { name: 'InvalidSignatureError' }), false), true)
    assert.equal(guard.rejected('bob', Object.assign(new Error('x'), { name: 'InvalidClockError' }), false), false)
    assert.equal(guard.rejected('mallory', Object.assign(new Error('x'), { name: 'InvalidClockError' }), true), true)
    assert.equal(
      guard.rejected('bob', Object.assign(new Error('x'), { name: 'UnknownEpochError' }), true),
      false,
      'a key not yet received proves nothing'
    )
  })

  it('gives a token back for a duplicate, so replays cannot use up an author’s rate', () => {
    const { guard } = clocked()
    for (let i = 0; i < AUTHOR_BURST * 3; i++) {
      assert.equal(guard.admit('mallory', 'alice', false), 'admit')
      guard.refund('alice')
    }
  })

  it('refuses a banned peer until its penalty has halved, then forgives it', () => {
    const { guard, advance } = clocked()
    for (let i = 0; i < BAN_PENALTY / 10; i++) guard.rejected('mallory', Object.assign(new Error('x'), { name: 'WrongGroupError' }), false)
    assert.equal(guard.banned('mallory'), true)
    advance(PENALTY_HALF_LIFE_MS / 2)
    assert.equal(guard.banned('mallory'), true, 'not forgiven as soon as the penalty dips under the threshold')
    advance(PENALTY_HALF_LIFE_MS)
    assert.equal(guard.banned('mallory'), false)
  })
})
