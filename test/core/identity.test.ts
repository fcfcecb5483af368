import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { deviceKeyFromBytes, deviceKeyToBytes, fingerprint, generateDeviceKey, libp2pSignatures, safetyNumber } from '@causette/core'

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

  it('signs and verifies, and refuses a changed message or another key', async () => {
    const signatures = libp2pSignatures()
    const key = await generateDeviceKey()
    const data = new TextEncoder().encode('hello')
    const sig = await signatures.sign(key, data)
    assert.equal(await signatures.verify(key.publicKey, sig, data), true)
    assert.equal(await signatures.verify(key.publicKey, sig, new TextEncoder().encode('hellO')), false)
    assert.equal(await signatures.verify(new Uint8Array(32), sig, data), false, 'a non-key verifies nothing')
  })
})
