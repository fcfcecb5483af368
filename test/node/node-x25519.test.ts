/**
 * node:crypto's X25519 (core/src/crypto/builtin-x25519.ts, the daemon's
 * node-x25519.ts), which the daemon and core's Node runs grant and open
 * epoch keys with, against noble's, which browsers use: a grant one seals
 * the other opens, and both refuse the same bad keys.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { builtinX25519, defaultX25519, generateDeviceKey, grantEpochKey, memberKeyPair, newEpochKey, nobleX25519, openGrant } from '@causette/core'
import { nodeX25519 } from '@causette/node'

const random = (n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n))

describe('X25519 with node:crypto', () => {
  it("gives noble's public keys and shared secrets, key for key", () => {
    for (let i = 0; i < 50; i++) {
      const [a, b] = [random(32), random(32)]
      const [A, B] = [nobleX25519.publicKey(a), nobleX25519.publicKey(b)]
      assert.deepEqual(nodeX25519.publicKey(a), A)
      assert.deepEqual(nodeX25519.sharedSecret(a, B), nobleX25519.sharedSecret(a, B))
      assert.deepEqual(nodeX25519.sharedSecret(b, A), nobleX25519.sharedSecret(a, B))
    }
  })

  it('opens a grant the other sealed, both ways, for members whose keys either derived', async () => {
    const groupId = random(32)
    const devices = await Promise.all([0, 1, 2].map(() => generateDeviceKey()))
    for (const [sealer, opener] of [
      [nobleX25519, nodeX25519],
      [nodeX25519, nobleX25519]
    ]) {
      const members = devices.map((d) => memberKeyPair(d, opener))
      assert.deepEqual(
        members.map((m) => m.publicKey),
        devices.map((d) => memberKeyPair(d, sealer).publicKey)
      )
      const epochKey = newEpochKey()
      const grant = grantEpochKey(
        epochKey,
        members.map((m) => m.publicKey),
        groupId,
        sealer
      )
      for (const [position, me] of members.entries()) assert.deepEqual(openGrant(grant, position, me, groupId, opener), epochKey)
      // a member's sealed key opens only at its own place
      assert.equal(openGrant(grant, 1, members[0] as (typeof members)[0], groupId, opener), undefined)
    }
  })

  it('refuses, as noble does, a public key of low order (all zeros) and keys of the wrong length', () => {
    const secret = random(32)
    for (const impl of [nobleX25519, nodeX25519]) {
      assert.throws(() => impl.sharedSecret(secret, new Uint8Array(32)))
      assert.throws(() => impl.sharedSecret(secret, random(31)))
      assert.throws(() => impl.publicKey(random(16)))
    }
  })

  it("is core's default in Node, where no X25519 is given, and agrees with noble's", () => {
    assert.notEqual(defaultX25519, nobleX25519)
    const secret = random(32)
    const other = random(32)
    const found = builtinX25519() as typeof nodeX25519
    assert.deepEqual(defaultX25519.sharedSecret(secret, found.publicKey(other)), nobleX25519.sharedSecret(other, nobleX25519.publicKey(secret)))
  })
})
