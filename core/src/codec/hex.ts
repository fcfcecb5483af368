/** Hex text for ids and keys: map keys, logs and error messages. */
import { InvalidArgumentError } from '../errors.ts'

const CHAR_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0))

export function toHex(bytes: Uint8Array): string {
  // ids become map keys several times per entry, so this is hot: build the
  // char codes, then one flat string
  const codes = new Array<number>(bytes.length * 2)
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number
    codes[2 * i] = CHAR_CODES[b >> 4] as number
    codes[2 * i + 1] = CHAR_CODES[b & 15] as number
  }
  return String.fromCharCode(...codes)
}

export function fromHex(text: string, expectedBytes?: number): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-f]*$/.test(text)) {
    throw new InvalidArgumentError(`"${text.slice(0, 20)}" is not lowercase hex`)
  }
  if (expectedBytes !== undefined && text.length !== expectedBytes * 2) {
    throw new InvalidArgumentError(`expected ${expectedBytes} bytes of hex, got ${text.length / 2}`)
  }
  const out = new Uint8Array(text.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(i * 2, i * 2 + 2), 16)
  return out
}

/** The first 8 hex digits, enough to tell ids apart in a message to a person. */
export function shortHex(bytes: Uint8Array): string {
  return toHex(bytes.subarray(0, 4))
}
