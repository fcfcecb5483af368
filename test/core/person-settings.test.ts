import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodePersonSettings, emptyPersonSettings, encodePersonSettings, type PersonSettings } from '@causette/core'
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
