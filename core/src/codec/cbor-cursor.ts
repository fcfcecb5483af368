/**
 * A strict reader and writer for the few CBOR forms an entry uses (unsigned
 * integers, byte strings, arrays, null), in the deterministic encoding of RFC
 * 8949 §4.2: shortest arguments, definite lengths. The reader checks every
 * length against the bytes left before taking a view of them, and never
 * copies. Used for entries, where speed matters; other messages use cborg.
 */
import { MalformedEntryError, NonCanonicalEncodingError, TruncatedEntryError } from '../errors.ts'

export const MAJOR_UINT = 0
export const MAJOR_BYTES = 2
export const MAJOR_ARRAY = 4
export const NULL = 0xf6

export class CborReader {
  private readonly bytes: Uint8Array
  private readonly view: DataView
  offset = 0

  constructor(bytes: Uint8Array) {
    this.bytes = bytes
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  get remaining(): number {
    return this.bytes.byteLength - this.offset
  }

  /** Reads a head of the expected major type and returns its argument. */
  head(major: number, what: string): number {
    const first = this.byte(what)
    if (first >> 5 !== major) {
      if (major === MAJOR_UINT && this.floatHoldsInteger(first)) {
        throw new NonCanonicalEncodingError(`${what} is an integer written as a float, so the entry is not canonical`)
      }
      throw new MalformedEntryError(`${what}: expected CBOR major type ${major}, found ${first >> 5}`)
    }
    const info = first & 0x1f
    if (info < 24) return info
    let value: number
    if (info === 24) {
      value = this.byte(what)
      if (value < 24) throw nonMinimal(what)
    } else if (info === 25) {
      this.need(2, what)
      value = this.view.getUint16(this.offset)
      this.offset += 2
      if (value <= 0xff) throw nonMinimal(what)
    } else if (info === 26) {
      this.need(4, what)
      value = this.view.getUint32(this.offset)
      this.offset += 4
      if (value <= 0xffff) throw nonMinimal(what)
    } else if (info === 27) {
      this.need(8, what)
      const big = this.view.getBigUint64(this.offset)
      this.offset += 8
      if (big <= 0xffffffffn) throw nonMinimal(what)
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new MalformedEntryError(`${what}: integer too large`)
      value = Number(big)
    } else {
      throw new MalformedEntryError(`${what}: indefinite or reserved CBOR length`)
    }
    return value
  }

  uint(what: string): number {
    return this.head(MAJOR_UINT, what)
  }

  /** A byte string; `lengths` lists the lengths allowed, when only some are. */
  bytesOf(what: string, lengths?: readonly number[]): Uint8Array {
    const length = this.head(MAJOR_BYTES, what)
    if (lengths !== undefined && !lengths.includes(length)) {
      throw new MalformedEntryError(`${what} is ${length} bytes; it must be ${lengths.join(' or ')}`)
    }
    this.need(length, what)
    const out = this.bytes.subarray(this.offset, this.offset + length)
    this.offset += length
    return out
  }

  /** True, consuming it, when the next item is null. */
  nullNext(what: string): boolean {
    this.need(1, what)
    if (this.bytes[this.offset] !== NULL) return false
    this.offset++
    return true
  }

  /** Whether the item starting with `first` (already read) is a float whose value is a whole number. */
  private floatHoldsInteger(first: number): boolean {
    const size = first === 0xfa ? 4 : first === 0xfb ? 8 : 0
    if (size === 0 || this.remaining < size) return false
    const value = size === 4 ? this.view.getFloat32(this.offset) : this.view.getFloat64(this.offset)
    return Number.isSafeInteger(value) && value >= 0
  }

  private byte(what: string): number {
    this.need(1, what)
    return this.bytes[this.offset++] as number
  }

  private need(n: number, what: string): void {
    if (this.bytes.byteLength - this.offset < n) {
      throw new TruncatedEntryError(`entry bytes end inside ${what} (${this.bytes.byteLength} bytes in all)`)
    }
  }
}

function nonMinimal(what: string): NonCanonicalEncodingError {
  return new NonCanonicalEncodingError(`${what} is not written in its shortest form, so the entry is not canonical`)
}

export class CborWriter {
  private buffer: Uint8Array
  private view: DataView
  length = 0

  constructor(capacity = 512) {
    this.buffer = new Uint8Array(capacity)
    this.view = new DataView(this.buffer.buffer)
  }

  head(major: number, value: number): void {
    this.reserve(9)
    const m = major << 5
    if (value < 24) {
      this.buffer[this.length++] = m | value
    } else if (value <= 0xff) {
      this.buffer[this.length++] = m | 24
      this.buffer[this.length++] = value
    } else if (value <= 0xffff) {
      this.buffer[this.length++] = m | 25
      this.view.setUint16(this.length, value)
      this.length += 2
    } else if (value <= 0xffffffff) {
      this.buffer[this.length++] = m | 26
      this.view.setUint32(this.length, value)
      this.length += 4
    } else {
      this.buffer[this.length++] = m | 27
      this.view.setBigUint64(this.length, BigInt(value))
      this.length += 8
    }
  }

  bytes(value: Uint8Array): void {
    this.head(MAJOR_BYTES, value.byteLength)
    this.reserve(value.byteLength)
    this.buffer.set(value, this.length)
    this.length += value.byteLength
  }

  null(): void {
    this.reserve(1)
    this.buffer[this.length++] = NULL
  }

  /** The bytes written, copied out after `prefix` bytes left free for the caller. */
  finish(prefix = 0): Uint8Array {
    const out = new Uint8Array(prefix + this.length)
    out.set(this.buffer.subarray(0, this.length), prefix)
    return out
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buffer.byteLength) return
    const next = new Uint8Array(Math.max(this.buffer.byteLength * 2, this.length + n))
    next.set(this.buffer.subarray(0, this.length))
    this.buffer = next
    this.view = new DataView(next.buffer)
  }
}
