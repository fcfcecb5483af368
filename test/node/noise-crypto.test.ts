/**
 * The daemon's Noise cipher (node/src/noise-crypto.ts) against noise's own:
 * what one encrypts the other decrypts, for frames below and above the size
 * where it takes over, with the same session key across frames and a new
 * one; and a frame with a changed byte or tag is refused, as noise's is.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { nodeNoiseCrypto } from '@causette/node'
import { defaultCrypto } from '@chainsafe/libp2p-noise/crypto'

const SIZES = [0, 1, 200, 1199, 1200, 1201, 4000, 65_000]

function nonce(n: number): Uint8Array {
  const bytes = new Uint8Array(12)
  new DataView(bytes.buffer).setUint32(4, n, true)
  return bytes
}

const bytesOf = (value: Uint8Array | { subarray(): Uint8Array }) => (value instanceof Uint8Array ? value : value.subarray())

describe("the daemon's Noise cipher", () => {
  it("interoperates with noise's own in both directions, frame after frame and across keys", () => {
    for (const k of [randomBytes(32), randomBytes(32)]) {
      SIZES.forEach((size, n) => {
        const plaintext = randomBytes(size)
        const ad = randomBytes(n % 2 === 0 ? 0 : 32)
        const ours = bytesOf(nodeNoiseCrypto.chaCha20Poly1305Encrypt(plaintext, nonce(n), ad, k))
        const theirs = bytesOf(defaultCrypto.chaCha20Poly1305Encrypt(plaintext, nonce(n), ad, k))
        assert.deepEqual(Buffer.from(ours), Buffer.from(theirs), `the same ciphertext for ${size} B`)
        assert.deepEqual(Buffer.from(bytesOf(defaultCrypto.chaCha20Poly1305Decrypt(ours, nonce(n), ad, k))), plaintext)
        assert.deepEqual(Buffer.from(bytesOf(nodeNoiseCrypto.chaCha20Poly1305Decrypt(theirs, nonce(n), ad, k))), plaintext)
      })
    }
  })

  it('refuses a frame with a changed byte, a changed tag, the wrong nonce or the wrong key', () => {
    const k = randomBytes(32)
    for (const size of [200, 4000]) {
      const plaintext = randomBytes(size)
      const sealed = Buffer.from(bytesOf(nodeNoiseCrypto.chaCha20Poly1305Encrypt(plaintext, nonce(7), new Uint8Array(0), k)))
      const flipped = Buffer.from(sealed)
      flipped[3] = (flipped[3] as number) ^ 1
      const badTag = Buffer.from(sealed)
      badTag[badTag.length - 1] = (badTag[badTag.length - 1] as number) ^ 1
      for (const [what, frame, n, key] of [
        ['a changed byte', flipped, 7, k],
        ['a changed tag', badTag, 7, k],
        ['the wrong nonce', sealed, 8, k],
        ['the wrong key', sealed, 7, randomBytes(32)]
      ] as const) {
        assert.throws(() => nodeNoiseCrypto.chaCha20Poly1305Decrypt(frame, nonce(n), new Uint8Array(0), key), `${what} (${size} B)`)
      }
    }
  })
})
