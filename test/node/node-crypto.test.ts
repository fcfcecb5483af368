/** The daemon's faster crypto (node:crypto) gives the same results as core's, and each accepts the other's signatures. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fingerprint, generateDeviceKey, libp2pSignatures, safetyNumber } from '@causette/core'
import { nodeSha512, nodeSignatures } from '@causette/node'

describe('signatures with node:crypto', () => {
  for (const [name, signatures] of [
    ['libp2p', libp2pSignatures()],
    ['node', nodeSignatures()]
  ] as const) {
    it(`signs and verifies with the ${name} signatures, and each accepts the other's`, async () => {
      const key = await generateDeviceKey()
      const other = name === 'libp2p' ? nodeSignatures() : libp2pSignatures()
      const data = new TextEncoder().encode('hello')
      const sig = await signatures.sign(key, data)
      assert.equal(await signatures.verify(key.publicKey, sig, data), true)
      assert.equal(await other.verify(key.publicKey, sig, data), true)
      assert.equal(await signatures.verify(key.publicKey, sig, new TextEncoder().encode('hellO')), false)
      assert.equal(await signatures.verify(new Uint8Array(32), sig, data), false, 'a non-key verifies nothing')
    })
  }
})

describe('fingerprints with node:crypto', () => {
  it('gives the same digits as the JavaScript SHA-512, five times faster', async () => {
    const key = await generateDeviceKey()
    assert.equal(fingerprint(key.publicKey, nodeSha512), fingerprint(key.publicKey))
    const other = await generateDeviceKey()
    assert.equal(safetyNumber(key.publicKey, other.publicKey, nodeSha512), safetyNumber(key.publicKey, other.publicKey))
  })
})
