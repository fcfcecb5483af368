/**
 * Where the heads (type and length bytes) of a well-formed CBOR item sit, so
 * mutations can aim at the fields a decoder trusts least: lengths and counts.
 */

export interface CborHead {
  offset: number
  major: number
  /** Bytes of the head itself: 1, 2, 3, 5 or 9. */
  length: number
  /** The argument: a count, a length or an integer. */
  argument: number
}

const ARGUMENT_BYTES: Record<number, number> = { 24: 1, 25: 2, 26: 4, 27: 8 }
/** Nesting a corpus item may have; corpus items are ours and shallow. */
const MAX_DEPTH = 64

/** The heads of every item in `bytes`, in order. Throws on anything but well-formed definite-length CBOR. */
export function cborHeads(bytes: Uint8Array): CborHead[] {
  const heads: CborHead[] = []
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let offset = 0
  const item = (depth: number): void => {
    if (depth > MAX_DEPTH) throw new RangeError('corpus item nested too deep')
    const first = bytes[offset]
    if (first === undefined) throw new RangeError('corpus item ends early')
    const major = first >> 5
    const info = first & 0x1f
    const extra = info < 24 ? 0 : ARGUMENT_BYTES[info]
    if (extra === undefined) throw new RangeError('indefinite or reserved length in a corpus item')
    let argument = info
    if (extra === 1) argument = view.getUint8(offset + 1)
    else if (extra === 2) argument = view.getUint16(offset + 1)
    else if (extra === 4) argument = view.getUint32(offset + 1)
    else if (extra === 8) argument = Number(view.getBigUint64(offset + 1))
    heads.push({ offset, major, length: 1 + extra, argument })
    offset += 1 + extra
    if (major === 2 || major === 3) offset += argument
    else if (major === 4) for (let i = 0; i < argument; i++) item(depth + 1)
    else if (major === 5) for (let i = 0; i < 2 * argument; i++) item(depth + 1)
    else if (major === 6) item(depth + 1)
  }
  while (offset < bytes.byteLength) item(0)
  return heads
}
