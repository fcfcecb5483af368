/**
 * Hex text of ids and keys, as they appear in links, the API and the CLI:
 * every byte value goes there and back, and text that is not lowercase hex
 * of the right length is refused with a message saying which.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fromHex, toHex } from '@causette/core'

describe('hex', () => {
  it('round-trips every byte value, empty and long inputs too', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i)
    const text = toHex(all)
    assert.equal(text.slice(0, 8), '00010203')
    assert.equal(text.slice(-4), 'feff')
    assert.deepEqual(fromHex(text), all)
    assert.equal(toHex(new Uint8Array(0)), '')
    assert.deepEqual(fromHex(''), new Uint8Array(0))
    const long = crypto.getRandomValues(new Uint8Array(5000))
    assert.deepEqual(fromHex(toHex(long)), long)
    assert.equal(toHex(long.subarray(10, 12)), toHex(Uint8Array.from([long[10] as number, long[11] as number])), 'a view reads its own bytes only')
  })

  it('refuses text that is not lowercase hex, or not the length asked for', () => {
    for (const bad of ['0', 'ABCD', '0g', 'g0', '12 3', 'zz', '0x12', 'ab:c', 'é1']) {
      assert.throws(() => fromHex(bad), { name: 'InvalidArgumentError', message: /is not lowercase hex/ }, bad)
    }
    assert.throws(() => fromHex('abcd', 32), { name: 'InvalidArgumentError', message: /expected 32 bytes of hex, got 2/ })
    assert.deepEqual(fromHex('00ff', 2), Uint8Array.from([0, 255]))
  })
})
