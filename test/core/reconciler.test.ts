import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { compareOrder, encodeFrame, OrderedRanges, type Range, Reconciler, type SyncItem, toHex } from '@causette/core'
import { sha256 } from '@noble/hashes/sha2.js'
import fc from 'fast-check'
import { SeededRandom } from '../fixtures/random.ts'

/** Fake entries: random ids, a few authors, clocks with ties. */
function universe(size: number, random: SeededRandom): SyncItem[] {
  const authors = Array.from({ length: 4 }, () => toHex(Uint8Array.from({ length: 32 }, () => random.int(256))))
  const items: SyncItem[] = []
  for (let i = 0; i < size; i++) {
    const id = Uint8Array.from({ length: 32 }, () => random.int(256))
    items.push({ id, idHex: toHex(id), authorHex: random.pick(authors), clock: 1 + Math.floor(i / 3) })
  }
  return items.sort(compareOrder)
}

interface Outcome {
  rounds: number
  /** Items each side pushed, in the order it pushed them: what the other lacked. */
  aPushed: string[]
  bPushed: string[]
  wanted: number
}

/** Runs the ping-pong between two reconcilers until neither needs an answer, as two sync sessions do. */
async function reconcile(a: SyncItem[], b: SyncItem[]): Promise<Outcome> {
  const ra = new Reconciler(new OrderedRanges(a))
  const rb = new Reconciler(new OrderedRanges(b))
  const outcome: Outcome = { rounds: 0, aPushed: [], bPushed: [], wanted: 0 }
  const pushed = (side: 'a' | 'b', ids: Uint8Array[]) => (side === 'a' ? outcome.aPushed : outcome.bPushed).push(...ids.map(toHex))
  const other = (side: 'a' | 'b') => (side === 'a' ? 'b' : 'a')
  const reconciler = (side: 'a' | 'b') => (side === 'a' ? ra : rb)
  let message = await ra.initiate()
  let turn: 'a' | 'b' = 'b'
  for (let guard = 0; guard < 64; guard++) {
    outcome.rounds++
    const step = await reconciler(turn).receive(message)
    pushed(turn, step.push)
    outcome.wanted += step.wanted
    if (step.reply.length === 0) {
      // nothing to say: this side is done, and the other pushes what waited on this answer
      pushed(other(turn), reconciler(other(turn)).finish())
      return outcome
    }
    if (!step.needsAnswer) {
      // the last message carries only wants: the other side answers them with entries and stops
      const last = await reconciler(other(turn)).receive(step.reply)
      pushed(other(turn), last.push)
      assert.equal(last.needsAnswer, false)
      pushed(other(turn), reconciler(other(turn)).finish())
      return outcome
    }
    message = step.reply
    turn = other(turn)
  }
  assert.fail('reconciliation did not finish in 64 messages')
}

/** Whether the ids are in log order (then parents come before their children). */
function inLogOrder(ids: string[], items: SyncItem[]): boolean {
  const position = new Map(items.map((item, i) => [item.idHex, i]))
  return ids.every((id, i) => i === 0 || (position.get(ids[i - 1] as string) as number) < (position.get(id) as number))
}

describe('set reconciliation', () => {
  it('finds exactly the symmetric difference of two sets (500 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer(), fc.integer({ min: 0, max: 3000 }), fc.double({ min: 0, max: 1, noNaN: true }), async (seed, size, pShared) => {
        const random = new SeededRandom(seed)
        const all = universe(size, random)
        const a: SyncItem[] = []
        const b: SyncItem[] = []
        for (const item of all) {
          if (random.chance(pShared)) {
            a.push(item)
            b.push(item)
          } else if (random.chance(0.5)) a.push(item)
          else b.push(item)
        }
        const outcome = await reconcile(a, b)
        const inA = new Set(a.map((i) => i.idHex))
        const inB = new Set(b.map((i) => i.idHex))
        assert.deepEqual([...outcome.aPushed].sort(), [...inA].filter((x) => !inB.has(x)).sort(), 'A sends what B lacks')
        assert.deepEqual([...outcome.bPushed].sort(), [...inB].filter((x) => !inA.has(x)).sort(), 'B sends what A lacks')
        assert.ok(inLogOrder(outcome.aPushed, all), 'A sends in log order over the whole session')
        assert.ok(inLogOrder(outcome.bPushed, all), 'B sends in log order over the whole session')
      }),
      { numRuns: 500 }
    )
  })

  it('settles one missing entry among 100,000 in a handful of messages', async () => {
    const random = new SeededRandom(7)
    const all = universe(100_000, random)
    const b = all.filter((_, i) => i !== 61_234)
    const outcome = await reconcile(all, b)
    assert.deepEqual(outcome.aPushed, [all[61_234]?.idHex])
    assert.ok(outcome.rounds <= 5, `${outcome.rounds} messages`)
  })

  it('ends at once when both sides hold the same set', async () => {
    const random = new SeededRandom(8)
    const all = universe(10_000, random)
    const outcome = await reconcile(all, [...all])
    assert.equal(outcome.rounds, 1)
    assert.equal(outcome.aPushed.length + outcome.bPushed.length, 0)
  })

  it('sends the very ranges frames peers of the previous version send, byte for byte', async () => {
    // digests of the frames the array-indexing reconciler (before SyncRanges) made for this seeded pair of sets
    const mine = universe(5000, new SeededRandom(21))
    const theirs = mine.filter((_, i) => i % 97 !== 5)
    const digest = (ranges: Range[]) => toHex(sha256(encodeFrame({ type: 'ranges', ranges })))
    const first = await new Reconciler(new OrderedRanges(mine)).initiate()
    const answer = await new Reconciler(new OrderedRanges(theirs)).receive(first)
    assert.equal(digest(first), '8282db07d87cd1305b2cd667e2472edb547f19aa4013c4ad272d3e849336018e')
    assert.equal(digest(answer.reply), '41e4bae99fc14be0bd78ee71f635978831e0a1a0c9e5808b7c25e2388cfdd8d2')
  })

  it('rejects ranges whose bounds do not rise', async () => {
    const r = new Reconciler(new OrderedRanges([]))
    await assert.rejects(
      () =>
        r.receive([
          { upper: { clock: 5, prefix: '' }, mode: 'skip' },
          { upper: { clock: 3, prefix: '' }, mode: 'skip' }
        ]),
      { name: 'MalformedSyncFrameError' }
    )
  })
})
