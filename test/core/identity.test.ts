import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { deviceKeyFromBytes, deviceKeyToBytes, fingerprint, generateDeviceKey, libp2pSignatures, safetyNumber } from '@causette/core'
import { nodeSha512, nodeSignatures } from '@causette/node'

describe('identity', () => {
  it('gives two people comparing safety numbers the same value', async () => {
    const alice = await generateDeviceKey()
    const bob = await generateDeviceKey()
    const seenByAlice = safetyNumber(alice.publicKey, bob.publicKey)
    const seenByBob = safetyNumber(bob.publicKey, alice.publicKey)
    assert.equal(seenByAlice, seenByBob)
    assert.match(seenByAlice, /^(\d{5} ){11}\d{5}$/, 'twelve groups of five digits')
  })

  it('changes the safety number when a key changes', async () => {
    const alice = await generateDeviceKey()
    const bob = await generateDeviceKey()
    const impostor = await generateDeviceKey()
    assert.notEqual(safetyNumber(alice.publicKey, bob.publicKey), safetyNumber(alice.publicKey, impostor.publicKey))
    assert.notEqual(fingerprint(bob.publicKey), fingerprint(impostor.publicKey))
  })

  it('gives one key the same fingerprint every time', async () => {
    const key = await generateDeviceKey()
    assert.equal(fingerprint(key.publicKey), fingerprint(Uint8Array.from(key.publicKey)))
    assert.match(fingerprint(key.publicKey), /^(\d{5} ){5}\d{5}$/)
  })

  it('rejects a fingerprint of something that is not a public key', () => {
    assert.throws(() => fingerprint(new Uint8Array(31)), { name: 'InvalidKeyError', message: /32 bytes/ })
  })

  it('round-trips a device key through its stored bytes', async () => {
    const key = await generateDeviceKey()
    const restored = deviceKeyFromBytes(deviceKeyToBytes(key))
    assert.deepEqual(restored.publicKey, key.publicKey)
    assert.throws(() => deviceKeyFromBytes(new Uint8Array(10)), { name: 'InvalidKeyError' })
  })

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
