/**
 * Structure-aware mutations of valid encodings: rewrite a CBOR head (a length
 * or count inflated, shrunk, written non-minimally, or its major type
 * changed), then byte-level damage (bit flips, interesting bytes,
 * truncation, deletion, insertion, duplication, splicing with another valid
 * item). Valid items get past the first checks, so mutants reach the deep
 * paths of a decoder that random bytes never do.
 */
import fc from 'fast-check'
import { type CborHead, cborHeads } from './cbor-heads.ts'

/** Lengths and counts around the boundaries decoders check. */
const INTERESTING_ARGUMENTS = [
  0,
  1,
  23,
  24,
  31,
  32,
  33,
  64,
  255,
  256,
  4096,
  65_535,
  65_536,
  2 ** 20,
  2 ** 31 - 1,
  2 ** 32 - 1,
  2 ** 53 - 1,
  2 ** 64 - 1
]
const INTERESTING_BYTES = [
  0x00, 0x01, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1f, 0x40, 0x5f, 0x7f, 0x80, 0x9f, 0xbf, 0xf4, 0xf5, 0xf6, 0xf7, 0xfa, 0xfb, 0xff
]

type HeadMutation =
  | { kind: 'argument'; head: number; value: number; width: number }
  | { kind: 'delta'; head: number; delta: number }
  | { kind: 'major'; head: number; major: number }

type ByteMutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'duplicate'; at: number; length: number; to: number }
  | { kind: 'splice'; other: number; at: number; from: number }

const headMutation: fc.Arbitrary<HeadMutation> = fc.oneof(
  fc.record({
    kind: fc.constant('argument' as const),
    head: fc.nat(),
    value: fc.constantFrom(...INTERESTING_ARGUMENTS),
    width: fc.constantFrom(0, 24, 25, 26, 27)
  }),
  fc.record({ kind: fc.constant('delta' as const), head: fc.nat(), delta: fc.integer({ min: -3, max: 3 }) }),
  fc.record({ kind: fc.constant('major' as const), head: fc.nat(), major: fc.nat({ max: 7 }) })
)

const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.constantFrom(...INTERESTING_BYTES) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }) }), weight: 1 },
  {
    arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }), to: fc.nat() }),
    weight: 1
  },
  { arbitrary: fc.record({ kind: fc.constant('splice' as const), other: fc.nat(), at: fc.nat(), from: fc.nat() }), weight: 1 }
)

/** Mutants of the corpus items (and now and then an item untouched, to keep the success path fuzzed too). */
export function mutants(corpus: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  if (corpus.length === 0) throw new RangeError('mutants need a corpus')
  const heads = corpus.map(cborHeads)
  return fc
    .record({
      item: fc.nat({ max: corpus.length - 1 }),
      heads: fc.array(headMutation, { maxLength: 2 }),
      bytes: fc.array(byteMutation, { maxLength: 4 })
    })
    .map(({ item, heads: headChanges, bytes: byteChanges }) => {
      let out = corpus[item] as Uint8Array
      // head rewrites first, while the heads are where the corpus says they are; later offsets first so earlier ones stay valid
      const itemHeads = heads[item] as CborHead[]
      const targets = headChanges
        .map((m) => ({ m, head: itemHeads[m.head % itemHeads.length] as CborHead }))
        .sort((a, b) => b.head.offset - a.head.offset)
        // one rewrite per head: a second would cut by the head's old length what the first rewrote at another length
        .filter((t, i, all) => i === 0 || all[i - 1]?.head.offset !== t.head.offset)
      for (const { m, head } of targets) out = rewriteHead(out, head, m)
      for (const m of byteChanges) out = applyByteMutation(out, m, corpus)
      return out
    })
}

function rewriteHead(bytes: Uint8Array, head: CborHead, m: HeadMutation): Uint8Array {
  let header: Uint8Array
  if (m.kind === 'major') header = encodeHead(m.major, head.argument, 0)
  else if (m.kind === 'delta') header = encodeHead(head.major, Math.max(0, head.argument + m.delta), 0)
  else header = encodeHead(head.major, m.value, m.width)
  const out = new Uint8Array(bytes.byteLength - head.length + header.byteLength)
  out.set(bytes.subarray(0, head.offset))
  out.set(header, head.offset)
  out.set(bytes.subarray(head.offset + head.length), head.offset + header.byteLength)
  return out
}

/** A head with `value` written in the given width (0: the shortest form), minimal or not. */
function encodeHead(major: number, value: number, width: number): Uint8Array {
  const info = width !== 0 ? width : value < 24 ? value : value <= 0xff ? 24 : value <= 0xffff ? 25 : value <= 0xffffffff ? 26 : 27
  const out = new Uint8Array(1 + (info < 24 ? 0 : 2 ** (info - 24)))
  const view = new DataView(out.buffer)
  out[0] = (major << 5) | info
  if (info === 24) out[1] = value & 0xff
  else if (info === 25) view.setUint16(1, value & 0xffff)
  else if (info === 26) view.setUint32(1, value >>> 0)
  else if (info === 27) {
    const big = BigInt(value)
    view.setBigUint64(1, big > 0xffff_ffff_ffff_ffffn ? 0xffff_ffff_ffff_ffffn : big)
  }
  return out
}

function applyByteMutation(bytes: Uint8Array, m: ByteMutation, corpus: readonly Uint8Array[]): Uint8Array {
  const n = bytes.byteLength
  switch (m.kind) {
    case 'flip': {
      if (n === 0) return bytes
      const out = bytes.slice()
      out[m.at % n] = (out[m.at % n] as number) ^ (1 << m.bit)
      return out
    }
    case 'set': {
      if (n === 0) return bytes
      const out = bytes.slice()
      out[m.at % n] = m.value
      return out
    }
    case 'truncate':
      return bytes.slice(0, m.at % (n + 1))
    case 'delete': {
      const at = m.at % (n + 1)
      return concat(bytes.subarray(0, at), bytes.subarray(Math.min(n, at + m.length)))
    }
    case 'insert': {
      const at = m.at % (n + 1)
      return concat(bytes.subarray(0, at), m.bytes, bytes.subarray(at))
    }
    case 'duplicate': {
      const at = m.at % (n + 1)
      const chunk = bytes.subarray(at, Math.min(n, at + m.length))
      const to = m.to % (n + 1)
      return concat(bytes.subarray(0, to), chunk, bytes.subarray(to))
    }
    case 'splice': {
      const other = corpus[m.other % corpus.length] as Uint8Array
      return concat(bytes.subarray(0, m.at % (n + 1)), other.subarray(m.from % (other.byteLength + 1)))
    }
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.byteLength, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.byteLength
  }
  return out
}
