/**
 * The daemon's XChaCha20-Poly1305 (node/src/wasm-xchacha.ts) is the same
 * cipher as core's portable one: the draft's test vector, identical bytes to
 * noble's for every length of message and associated data around the block
 * and chunk boundaries, and every tampered byte or wrong key refused. Bodies
 * sealed by one open with the other, so a daemon and a browser read each
 * other.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { nobleXChaCha } from '@causette/core'
import { wasmXChaCha } from '@causette/node'
import { nativeXChaCha } from '../../node/src/native-xchacha.ts'

const hex = (text: string) => Uint8Array.from(Buffer.from(text.replace(/\s/g, ''), 'hex'))
function random(length: number): Uint8Array {
  const out = new Uint8Array(length)
  // getRandomValues fills at most 64 KiB at a time
  for (let o = 0; o < length; o += 65_536) crypto.getRandomValues(out.subarray(o, Math.min(length, o + 65_536)))
  return out
}

describe('XChaCha20-Poly1305 in WebAssembly', () => {
  it("matches the XChaCha draft's test vector (A.3.1)", () => {
    const key = hex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f')
    const nonce = hex('404142434445464748494a4b4c4d4e4f5051525354555657')
    const ad = hex('50515253c0c1c2c3c4c5c6c7')
    const plaintext = new TextEncoder().encode(
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it."
    )
    const expected = hex(`
      bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb
      731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452
      2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9
      21f9664c97637da9768812f615c68b13b52e
      c0875924c1c7987947deafd8780acf49`)
    const sealed = wasmXChaCha.seal(key, nonce, ad, plaintext)
    assert.deepEqual(Buffer.from(sealed), Buffer.from(expected))
    assert.deepEqual(Buffer.from(wasmXChaCha.open(key, nonce, ad, sealed) as Uint8Array), Buffer.from(plaintext))
  })

  it("seals to noble's bytes and opens noble's, for lengths across block and chunk boundaries", () => {
    const lengths = [0, 1, 15, 16, 17, 63, 64, 65, 127, 128, 129, 255, 256, 1023, 1024, 1025, 4095, 4096, 4097, 20_000, 65_600]
    for (const length of lengths) {
      for (const adLength of [0, 1, 12, 16, 31, 130, 1000]) {
        const key = random(32)
        const nonce = random(24)
        const ad = random(adLength)
        const plaintext = random(length)
        const ours = wasmXChaCha.seal(key, nonce, ad, plaintext)
        const theirs = nobleXChaCha.seal(key, nonce, ad, plaintext)
        assert.deepEqual(Buffer.from(ours), Buffer.from(theirs), `${length} B of text, ${adLength} B of associated data`)
        assert.deepEqual(Buffer.from(wasmXChaCha.open(key, nonce, ad, theirs) as Uint8Array), Buffer.from(plaintext))
        assert.deepEqual(Buffer.from(nobleXChaCha.open(key, nonce, ad, ours) as Uint8Array), Buffer.from(plaintext))
      }
    }
  })

  it('refuses a body with any byte changed, under another key or nonce, or with other associated data', () => {
    const key = random(32)
    const nonce = random(24)
    const ad = random(130)
    const sealed = wasmXChaCha.seal(key, nonce, ad, random(200))
    for (let i = 0; i < sealed.byteLength; i++) {
      const tampered = sealed.slice()
      tampered[i] = (tampered[i] as number) ^ 0x01
      assert.equal(wasmXChaCha.open(key, nonce, ad, tampered), null, `byte ${i} changed`)
    }
    assert.equal(wasmXChaCha.open(random(32), nonce, ad, sealed), null, 'another key')
    assert.equal(wasmXChaCha.open(key, random(24), ad, sealed), null, 'another nonce')
    assert.equal(wasmXChaCha.open(key, nonce, ad.subarray(1), sealed), null, 'other associated data')
    assert.equal(wasmXChaCha.open(key, nonce, ad, sealed.subarray(0, 15)), null, 'shorter than a tag')
    assert.throws(() => wasmXChaCha.seal(random(31), nonce, ad, random(1)), /32-byte key/)
    assert.throws(() => wasmXChaCha.open(key, random(12), ad, sealed), /24-byte nonce/)
  })
})

describe('XChaCha20-Poly1305 through OpenSSL, for large payloads (native-xchacha.ts)', () => {
  it("seals to noble's bytes and opens noble's, on both sides of the size where it takes over, and refuses a changed byte", () => {
    for (const length of [100, 16_383, 16_384, 16_385, 262_144, 262_160]) {
      const key = random(32)
      const nonce = random(24)
      const ad = random(24)
      const plaintext = random(length)
      const ours = nativeXChaCha.seal(key, nonce, ad, plaintext)
      assert.deepEqual(Buffer.from(ours), Buffer.from(nobleXChaCha.seal(key, nonce, ad, plaintext)), `${length} B`)
      assert.deepEqual(Buffer.from(nativeXChaCha.open(key, nonce, ad, ours) as Uint8Array), Buffer.from(plaintext))
      const tampered = ours.slice()
      tampered[length - 1] = (tampered[length - 1] as number) ^ 0x01
      assert.equal(nativeXChaCha.open(key, nonce, ad, tampered), null, `${length} B with a byte changed`)
      assert.equal(nativeXChaCha.open(key, nonce, ad.subarray(1), ours), null, `${length} B with other associated data`)
    }
  })
})
