/**
 * The view as rows gives what GroupView gives: for random sets of entries
 * and hidden ranges, rowsOf → the memory store → messageRows / messageRow /
 * registerRows / pinRows → render shows the same pages, messages, pinned
 * messages, metadata, display names and read markers as a GroupView fed the same entries in another
 * order (test/fixtures/view-compare.ts says exactly what is compared).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { hiddenRangesOf, inGap, isHidden, MemoryStore, rowsOf } from '@causette/core'
import fc from 'fast-check'
import { SeededRandom } from '../fixtures/random.ts'
import { assertSameView } from '../fixtures/view-compare.ts'
import { AUTHORS, buildCase, entrySpec, hidingOf, hidingSpec } from '../fixtures/view-entries.ts'

const RUNS = 300
const GROUP = new Uint8Array(32).fill(7)

describe('view rows', () => {
  it(`render from the store what GroupView shows, whatever the order, batching and hidden ranges (${RUNS} runs)`, async () => {
    let messagesSeen = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(entrySpec, { minLength: 1, maxLength: 60, size: 'max' }),
        fc.array(hidingSpec, { maxLength: 3 }),
        fc.integer(),
        async (specs, hidingSpecs, seed) => {
          const entries = buildCase(specs)
          messagesSeen += entries.filter((e) => e.op?.type === 'message').length
          await assertSameView(new MemoryStore(), GROUP, entries, hidingOf(hidingSpecs), new SeededRandom(seed))
        }
      ),
      { numRuns: RUNS }
    )
    assert.ok(messagesSeen > RUNS * 5, `the runs covered ${messagesSeen} messages`)
  })

  it('hide what inGap and the block list hide, and nothing else', () => {
    fc.assert(
      fc.property(fc.array(hidingSpec, { maxLength: 4 }), fc.nat({ max: AUTHORS.length - 1 }), fc.integer({ min: 0, max: 25 }), (specs, a, seq) => {
        const hiding = hidingOf(specs)
        const author = AUTHORS[a] as Uint8Array
        const authorHex = Buffer.from(author).toString('hex')
        const expected = hiding.blocked.has(authorHex) || inGap(hiding.gaps, authorHex, seq)
        assert.equal(isHidden(hiddenRangesOf(hiding.gaps, hiding.blocked), authorHex, seq), expected)
      })
    )
  })

  it('are a function of the entry alone', () => {
    fc.assert(
      fc.property(fc.array(entrySpec, { minLength: 1, maxLength: 20 }), (specs) => {
        const entries = buildCase(specs)
        for (const e of entries) assert.deepEqual(rowsOf(e), rowsOf({ ...e }))
        // rows of a metadata change by a non-admin: none, whatever it changes
        for (const e of entries) if (e.op?.type === 'metadata' && e.role !== 'admin') assert.deepEqual(rowsOf(e), [])
        // nor of a pin by anyone but a moderator or an admin
        for (const e of entries) if (e.op?.type === 'pin' && e.role !== 'admin' && e.role !== 'moderator') assert.deepEqual(rowsOf(e), [])
      })
    )
  })
})
