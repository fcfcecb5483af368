/**
 * Range fingerprints for set reconciliation, as Negentropy makes them: the
 * ids of a range added as 256-bit little-endian integers (mod 2^256) with the
 * count, hashed and cut to 16 bytes. Addition makes the fingerprint of a
 * range independent of how it was computed and cheap to accumulate.
 */
import { sha256 } from '@noble/hashes/sha2.js'

export const FINGERPRINT_BYTES = 16

export class FingerprintAccumulator {
  private readonly limbs = new Uint32Array(8)
  count = 0

  add(id: Uint8Array): void {
    let carry = 0
    for (let i = 0; i < 8; i++) {
      const o = i * 4
      const word = ((id[o] as number) | ((id[o + 1] as number) << 8) | ((id[o + 2] as number) << 16) | ((id[o + 3] as number) << 24)) >>> 0
      const sum = (this.limbs[i] as number) + word + carry
      this.limbs[i] = sum >>> 0
      carry = sum > 0xffffffff ? 1 : 0
    }
    this.count++
  }

  /** Adds what another accumulator holds (fingerprints are sums: a range's is the sum of its parts'). */
  addAll(other: FingerprintAccumulator): void {
    let carry = 0
    for (let i = 0; i < 8; i++) {
      const sum = (this.limbs[i] as number) + (other.limbs[i] as number) + carry
      this.limbs[i] = sum >>> 0
      carry = sum > 0xffffffff ? 1 : 0
    }
    this.count += other.count
  }

  fingerprint(): Uint8Array {
    const input = new Uint8Array(32 + 8)
    const view = new DataView(input.buffer)
    for (let i = 0; i < 8; i++) view.setUint32(i * 4, this.limbs[i] as number, true)
    view.setUint32(32, this.count, true)
    return sha256(input).subarray(0, FINGERPRINT_BYTES)
  }
}
