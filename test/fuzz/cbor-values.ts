/**
 * Arbitrary CBOR values for grammar-based inputs: every type cborg writes
 * (integers of every width, negative and 64-bit ones, floats, text, bytes,
 * arrays, maps, booleans, null), nested a little. Decoders must judge each
 * field by its type, never assume it.
 */
import fc from 'fast-check'

export const cborScalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.nat({ max: 300 }),
  fc.maxSafeNat(),
  fc.integer(),
  fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n - 1n }),
  fc.double(),
  fc.string({ maxLength: 40 }),
  fc.uint8Array({ maxLength: 70 }),
  fc.boolean(),
  fc.constant(null)
)

export const cborValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: cborScalar, weight: 6 },
    { arbitrary: fc.array(tie('value'), { maxLength: 6 }), weight: 1 },
    { arbitrary: fc.dictionary(fc.string({ maxLength: 12 }), tie('value'), { maxKeys: 5 }), weight: 1 }
  )
})).value

/** Bytes of exactly `length`, or of a length near it, or something that is not bytes at all. */
export function bytesField(length: number): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: fc.uint8Array({ minLength: length, maxLength: length }), weight: 6 },
    { arbitrary: fc.uint8Array({ minLength: Math.max(0, length - 2), maxLength: length + 2 }), weight: 2 },
    { arbitrary: cborScalar, weight: 1 }
  )
}

/** A well-typed unsigned integer most of the time, with edges, or another type. */
export const uintField: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.nat({ max: 1000 }), weight: 5 },
  { arbitrary: fc.constantFrom(0, 1, 2 ** 32, 2 ** 48, 2 ** 53 - 1), weight: 2 },
  { arbitrary: fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n }), weight: 1 },
  { arbitrary: cborScalar, weight: 1 }
)
