/** Large byte arrays from a seed: fast-check draws the seed and length, not every byte, so big inputs stay cheap. */
import fc from 'fast-check'
import { SeededRandom } from '../fixtures/random.ts'

export function seededBytes(length: number, seed: number): Uint8Array {
  const random = new SeededRandom(seed)
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i += 4) {
    const word = Math.floor(random.next() * 2 ** 32)
    out[i] = word & 0xff
    if (i + 1 < length) out[i + 1] = (word >>> 8) & 0xff
    if (i + 2 < length) out[i + 2] = (word >>> 16) & 0xff
    if (i + 3 < length) out[i + 3] = word >>> 24
  }
  return out
}

/** Random bytes: mostly short, sometimes around a size limit. */
export function randomBytes(sizes: readonly number[] = []): fc.Arbitrary<Uint8Array> {
  const around = sizes.map((size) =>
    fc
      .record({ length: fc.integer({ min: Math.max(0, size - 64), max: size + 64 }), seed: fc.integer() })
      .map(({ length, seed }) => seededBytes(length, seed))
  )
  return fc.oneof({ arbitrary: fc.uint8Array({ maxLength: 300 }), weight: 8 }, ...around.map((arbitrary) => ({ arbitrary, weight: 1 })))
}
