/** Hex text for ids and keys: map keys, logs and error messages. */
import { InvalidArgumentError } from '../errors.ts'

const DIGITS = new TextEncoder().encode('0123456789abcdef')
const ascii = new TextDecoder()
/** Where the digits are written before becoming a string: ids and keys fit; longer input gets its own. */
const scratch = new Uint8Array(256)
/** Views of the scratch, one per length, made once: a view made per call was most of what toHex allocated. */
const views: Uint8Array[] = []

export function toHex(bytes: Uint8Array): string {
  // ids become map keys several times per entry, so this is hot: the digits go into a reused buffer
  // and become one flat string, the only allocation (an array of char codes spread into
  // String.fromCharCode allocated ~600 bytes for a 32-byte id)
  const length = bytes.length * 2
  const out = length <= scratch.length ? scratch : new Uint8Array(length)
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number
    out[2 * i] = DIGITS[b >> 4] as number
    out[2 * i + 1] = DIGITS[b & 15] as number
  }
  if (out !== scratch) return ascii.decode(out)
  let view = views[length]
  if (view === undefined) {
    view = scratch.subarray(0, length)
    views[length] = view
  }
  return ascii.decode(view)
}

export function fromHex(text: string, expectedBytes?: number): Uint8Array {
  const out = new Uint8Array(text.length >> 1)
  // char codes read in place: no substring per byte, no regular expression
  let bad = text.length % 2
  for (let i = 0; i < out.length; i++) {
    const high = digitOf(text.charCodeAt(2 * i))
    const low = digitOf(text.charCodeAt(2 * i + 1))
    bad |= (high | low) & 16
    out[i] = (high << 4) | (low & 15)
  }
  if (bad !== 0) throw new InvalidArgumentError(`"${text.slice(0, 20)}" is not lowercase hex`)
  if (expectedBytes !== undefined && text.length !== expectedBytes * 2) {
    throw new InvalidArgumentError(`expected ${expectedBytes} bytes of hex, got ${text.length / 2}`)
  }
  return out
}

/** The value of a lowercase hex digit, or 16 for anything else. */
function digitOf(code: number): number {
  if (code >= 48 && code <= 57) return code - 48
  if (code >= 97 && code <= 102) return code - 87
  return 16
}

/** The first 8 hex digits, enough to tell ids apart in a message to a person. */
export function shortHex(bytes: Uint8Array): string {
  return toHex(bytes.subarray(0, 4))
}
