import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  blockOf,
  blockValue,
  decodeOperation,
  decodePersonSettings,
  emptyPersonSettings,
  encodeOperation,
  encodePersonSettings,
  type PersonSettings
} from '@causette/core'
import { encode } from 'cborg'

const GROUP = 'ab'.repeat(32)
const KEY = 'cd'.repeat(32)

describe('the person settings a new device receives', () => {
  it('round-trips every setting', () => {
    const settings: PersonSettings = {
      name: 'Alice',
      receipts: false,
      presence: true,
      mutes: { [GROUP]: 0 },
      notify: { [GROUP]: 'all' },
      readPositions: { [GROUP]: 'ef'.repeat(32) },
      verified: [{ key: KEY, verifiedAt: 1_700_000_000_000 }],
      blocked: [{ key: KEY, name: 'Mallory', blockedAt: 1_700_000_000_001 }]
    }
    assert.deepEqual(decodePersonSettings(encodePersonSettings(settings)), settings)
  })

  it('from another device, keeps what is well formed and drops the rest, without failing', () => {
    const hostile = encode({
      name: 'x'.repeat(10_000),
      receipts: 'yes',
      mutes: { [GROUP]: -5, 'not-a-group': 0 },
      notify: { [GROUP]: 'loud' },
      readPositions: { [GROUP]: '<script>' },
      verified: [{ key: KEY, verifiedAt: 1 }, { key: 'short', verifiedAt: 2 }, 'nonsense'],
      blocked: { key: KEY }
    })
    assert.deepEqual(decodePersonSettings(hostile), { ...emptyPersonSettings(), verified: [{ key: KEY, verifiedAt: 1 }] })
    assert.deepEqual(decodePersonSettings(new Uint8Array([0xff, 0x00, 0x13])), emptyPersonSettings(), 'not CBOR: nothing taken')
  })
})

describe('a setting changed later, written in the person’s group for their other devices', () => {
  it('writes and reads each setting that follows the person, and a cleared one', () => {
    const settings: Array<[string, string]> = [
      ['name', 'Alice'],
      ['receipts', 'off'],
      ['presence', 'on'],
      [`mute:${GROUP}`, 'forever'],
      [`mute:${GROUP}`, '1700000000000'],
      [`mute:${GROUP}`, ''],
      [`notify:${GROUP}`, 'mentions'],
      [`verified:${KEY}`, '1700000000000'],
      [`verified:${KEY}`, ''],
      [`blocked:${KEY}`, blockValue(1_700_000_000_001, 'Mallory')],
      [`blocked:${KEY}`, '']
    ]
    for (const [setting, value] of settings) {
      assert.deepEqual(decodeOperation(encodeOperation({ type: 'person-setting', setting, value })), { type: 'person-setting', setting, value })
    }
    assert.deepEqual(blockOf(blockValue(1_700_000_000_001, 'Mallory')), { blockedAt: 1_700_000_000_001, name: 'Mallory' })
    assert.deepEqual(blockOf(blockValue(5)), { blockedAt: 5 })
    assert.equal(blockOf(''), undefined)
  })

  it('refuses, in words, a setting that does not follow the person or a value it cannot have', () => {
    const refused: Array<[string, string, RegExp]> = [
      ['p2p-port', '4001', /not a setting that follows the person/],
      ['device-name', 'laptop', /not a setting that follows the person/],
      [`mute:${GROUP.slice(2)}`, 'forever', /not a setting/],
      ['name', '', /a name is 1 to/],
      ['receipts', 'yes', /receipts is on or off/],
      [`mute:${GROUP}`, 'soon', /forever or until a time/],
      [`notify:${GROUP}`, 'loud', /all, mentions or off/],
      [`verified:${KEY}`, 'yesterday', /its time/],
      [`blocked:${KEY}`, '5\nMallory\nagain', /a block is its time/]
    ]
    for (const [setting, value, reason] of refused) {
      const bytes = encode({ type: 'person-setting', setting, value })
      assert.throws(
        () => decodeOperation(bytes),
        (err: Error) => err.name === 'MalformedOperationError' && reason.test(err.message),
        `${setting}=${value}`
      )
    }
    assert.throws(() => decodeOperation(encode({ type: 'person-setting', setting: 'name' })), /"setting" and a "value"/)
  })
})
