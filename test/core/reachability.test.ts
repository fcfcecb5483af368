/** When a device redials a member it lost: at once, then backing off, at once again when the member is heard of, and never after a week. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DISCOVERY_DIAL_GAP_MS, GIVE_UP_AFTER_MS, LONG_AFTER_MS, LONG_REDIAL_CAP_MS, REDIAL_CAP_MS, Reachability } from '@causette/core'

const CAROL = 'carol'
/** No jitter: the midpoint of ±20 %. */
const noJitter = () => 0.5

/** Fails every dial of Carol from `from` until `until`; returns the times the dials happened. */
function failEveryDial(reach: Reachability, from: number, until: number): number[] {
  const dials: number[] = []
  for (let now = from; now <= until; now += 1000) {
    for (const peer of reach.due(now, 4)) {
      dials.push(now)
      reach.dialEnded(peer, now, false)
    }
  }
  return dials
}

describe('reachability of a member', () => {
  it('dials a member it wants and is not connected to at once', () => {
    const reach = new Reachability(noJitter)
    reach.want(CAROL, 0, false)
    assert.deepEqual(reach.due(0, 4), [CAROL])
    assert.deepEqual(reach.due(0, 4), [], 'not twice while the first dial runs')
  })

  it('redials a lost member after a second, then backs off to one dial a minute', () => {
    const reach = new Reachability(noJitter)
    reach.want(CAROL, 0, true)
    assert.deepEqual(reach.due(0, 4), [], 'connected: nothing to dial')
    reach.disconnected(CAROL, 10_000)
    assert.equal(reach.get(CAROL)?.connected, false)
    assert.equal(reach.get(CAROL)?.since, 10_000, 'unreachable since the connection was lost')
    const dials = failEveryDial(reach, 10_000, 10_000 + 10 * 60_000)
    assert.equal(dials[0], 11_000, 'the first redial comes a second after the loss')
    const gaps = dials.slice(1).map((t, i) => t - (dials[i] as number))
    assert.deepEqual(gaps.slice(0, 5), [2000, 4000, 8000, 16_000, 32_000], 'each failure doubles the wait')
    assert.ok(
      gaps.slice(6).every((g) => g === REDIAL_CAP_MS),
      `then a dial a minute: ${gaps}`
    )
    assert.equal(reach.get(CAROL)?.failedDials, dials.length)
  })

  it('waits up to ten minutes between dials after an hour, and gives up after a week', () => {
    const reach = new Reachability(noJitter)
    reach.want(CAROL, 0, true)
    reach.disconnected(CAROL, 0)
    failEveryDial(reach, 0, LONG_AFTER_MS)
    const later = failEveryDial(reach, LONG_AFTER_MS + 1000, LONG_AFTER_MS + 3 * 3600_000)
    const gaps = later.slice(1).map((t, i) => t - (later[i] as number))
    assert.ok(gaps.length > 10 && gaps.slice(2).every((g) => g === LONG_REDIAL_CAP_MS), `ten minutes apart: ${gaps.slice(0, 5)}`)
    // a week of failures: no more timed dials
    let now = LONG_AFTER_MS + 3 * 3600_000
    for (let i = 0; i < 2000 && now < GIVE_UP_AFTER_MS + LONG_REDIAL_CAP_MS * 2; i++) {
      now = Math.max(now + 1000, reach.get(CAROL)?.nextDialAt ?? now + LONG_REDIAL_CAP_MS)
      for (const peer of reach.due(now, 4)) reach.dialEnded(peer, now, false)
    }
    assert.equal(reach.get(CAROL)?.givenUp, true, 'given up after a week unreachable')
    assert.deepEqual(reach.due(now + 30 * 24 * 3600_000, 4), [], 'and never dialled again by the timer')
  })

  it('dials at once, whatever the backoff, when the member is discovered or its addresses change', () => {
    const reach = new Reachability(noJitter)
    reach.want(CAROL, 0, true)
    reach.disconnected(CAROL, 0)
    failEveryDial(reach, 0, 5 * 60_000)
    const now = 5 * 60_000 + 500
    assert.deepEqual(reach.due(now, 4), [], 'the backoff says wait')
    assert.equal(reach.dialOnDiscovery(CAROL, now), true, 'mDNS heard Carol: dial now')
    assert.equal(reach.dialOnDiscovery(CAROL, now + 100), false, 'not while that dial runs')
    reach.dialEnded(CAROL, now + 200, false)
    assert.equal(reach.dialOnDiscovery(CAROL, now + DISCOVERY_DIAL_GAP_MS - 1), false, 'at most one discovery dial per gap')
    assert.equal(reach.dialOnDiscovery(CAROL, now + DISCOVERY_DIAL_GAP_MS), true)
    reach.dialEnded(CAROL, now + DISCOVERY_DIAL_GAP_MS, false)
    reach.renewed(CAROL, now + DISCOVERY_DIAL_GAP_MS + 1)
    assert.deepEqual(reach.due(now + DISCOVERY_DIAL_GAP_MS + 1, 4), [CAROL], 'new addresses: dial at once')
  })

  it('a member heard of again after being given up is dialled again', () => {
    const reach = new Reachability(noJitter)
    reach.want(CAROL, 0, true)
    reach.disconnected(CAROL, 0)
    for (const peer of reach.due(1000, 4)) reach.dialEnded(peer, GIVE_UP_AFTER_MS + 1, false)
    assert.equal(reach.get(CAROL)?.givenUp, true)
    assert.equal(reach.dialOnDiscovery(CAROL, GIVE_UP_AFTER_MS + 10_000), true)
    reach.dialEnded(CAROL, GIVE_UP_AFTER_MS + 10_500, true)
    assert.equal(reach.get(CAROL)?.connected, true)
    assert.equal(reach.get(CAROL)?.givenUp, false)
    assert.equal(reach.get(CAROL)?.failedDials, 0)
  })

  it('spreads the redials of peers lost at the same moment', () => {
    const reach = new Reachability()
    const peers = Array.from({ length: 20 }, (_, i) => `peer-${i}`)
    for (const p of peers) {
      reach.want(p, 0, true)
      reach.disconnected(p, 0)
    }
    const due = new Set(peers.map((p) => reach.get(p)?.nextDialAt))
    assert.ok(due.size > 10, `20 peers lost together are redialled at ${due.size} different times`)
    assert.ok([...due].every((t) => t !== undefined && t >= 800 && t <= 1200))
  })

  it('forgets peers no longer wanted', () => {
    const reach = new Reachability(noJitter)
    reach.want(CAROL, 0, false)
    reach.keepOnly(new Set())
    assert.equal(reach.get(CAROL), undefined)
    assert.deepEqual(reach.due(0, 4), [])
  })
})
