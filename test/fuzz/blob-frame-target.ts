/**
 * The blob protocol's frames (core's blob/blob-frames.ts), as a peer could
 * send them: requests and answers, random, mutated from real ones, and
 * built from CBOR of any shape. Decoding refuses with MalformedBlobError
 * only; what it accepts survives a round trip. The first byte picks the
 * decoder: a request and an answer are both maps, so each input is tried
 * as what its parity says.
 */
import assert from 'node:assert/strict'
import { decodeAnswer, decodeRequest, encodeAnswer, encodeRequest } from '@causette/core'
import { encode } from 'cborg'
import fc from 'fast-check'
import { bytesField, cborValue } from './cbor-values.ts'
import type { FuzzTarget } from './fuzz-harness.ts'
import { mutants } from './mutations.ts'
import { randomBytes } from './seeded-bytes.ts'

/** Real frames: requests for one and sixteen pieces, answers with and without a piece, a refusal. */
function frames(): Uint8Array[] {
  const id = (n: number) => new Uint8Array(32).fill(n)
  return [
    encodeRequest({ tag: new Uint8Array(16).fill(1), ids: [id(1)] }),
    encodeRequest({ tag: new Uint8Array(16).fill(2), ids: Array.from({ length: 16 }, (_, i) => id(i)) }),
    encodeAnswer({ id: id(3) }) as Uint8Array,
    encodeAnswer({ id: id(4), bytes: new Uint8Array(30).fill(9) }).subarray(),
    encodeAnswer({ id: id(5), bytes: new Uint8Array(300).fill(8) }).subarray(),
    encodeAnswer({ id: id(6), bytes: new Uint8Array(3_000).fill(7) }).subarray(),
    encodeAnswer({ refused: 'members only' }) as Uint8Array
  ]
}

export function blobFrameTarget(): FuzzTarget<Uint8Array> {
  const grammar = fc
    .record({
      tag: fc.oneof(bytesField(16), cborValue),
      ids: fc.oneof(fc.array(bytesField(32), { maxLength: 18 }), cborValue),
      id: fc.oneof(bytesField(32), cborValue),
      bytes: fc.oneof(fc.uint8Array({ maxLength: 400 }), cborValue),
      refused: fc.oneof(fc.string({ maxLength: 40 }), cborValue)
    })
    .chain((fields) => fc.subarray(Object.keys(fields)).map((keys) => Object.fromEntries(keys.map((k) => [k, fields[k as keyof typeof fields]]))))
    .map((value) => encode(value))
  return {
    name: 'blob-frame',
    decoder: 'decodeRequest / decodeAnswer',
    allowed: ['MalformedBlobError'],
    arbitrary: fc.oneof(
      // sizes near a piece's are the frame layer's to refuse (its length limit); here, what lies inside
      { arbitrary: randomBytes([4096]), weight: 2 },
      { arbitrary: mutants(frames()), weight: 5 },
      { arbitrary: grammar, weight: 4 }
    ),
    run(input) {
      const bytes = new Uint8Array(input)
      if ((bytes[0] ?? 0) % 2 === 0) {
        const request = decodeRequest(bytes)
        assert.deepEqual(decodeRequest(encodeRequest(request)), request, 'a decoded request does not survive a round trip')
      } else {
        const answer = decodeAnswer(bytes)
        assert.deepEqual(decodeAnswer(toBytes(encodeAnswer(answer))), answer, 'a decoded answer does not survive a round trip')
      }
    }
  }
}

function toBytes(frame: ReturnType<typeof encodeAnswer>): Uint8Array {
  return frame instanceof Uint8Array ? frame : frame.subarray()
}
