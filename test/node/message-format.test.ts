/**
 * The counts the CLI and `causette start` print group thousands as
 * toLocaleString('en-US') does, without loading ICU's locale data into the
 * daemon (node/src/cli/message-format.ts): the same text for every whole
 * number, negative ones and the largest safe integer included.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { count, thousands } from '../../node/src/cli/message-format.ts'

describe('thousands', () => {
  it('writes whole numbers exactly as en-US formatting does', () => {
    const numbers = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, 9999, 10_000, 123_456, 999_999, 1_000_000, 1_234_567_890]
    for (let n = 1; n < 1e16; n *= 7) numbers.push(n, n + 1, n - 1)
    numbers.push(Number.MAX_SAFE_INTEGER)
    for (const n of [...numbers, ...numbers.filter((n) => n > 0).map((n) => -n)]) assert.equal(thousands(n), n.toLocaleString('en-US'), String(n))
  })

  it('leaves other numbers to toLocaleString', () => {
    for (const n of [1234.5, 0.25, 1e21, Number.NaN, Number.POSITIVE_INFINITY]) assert.equal(thousands(n), n.toLocaleString('en-US'))
  })

  it('counts with the word in the singular or the plural', () => {
    assert.equal(count(1, 'entry', 'entries'), '1 entry')
    assert.equal(count(12_345, 'entry', 'entries'), '12,345 entries')
    assert.equal(count(0, 'group'), '0 groups')
  })
})
