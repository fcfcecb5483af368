/**
 * Reading Noise's frame lengths without an exception per read. libp2p-noise
 * reads a connection's frames with @libp2p/utils' LengthPrefixedDecoder,
 * which asks for the next length after every whole frame and learns that no
 * more bytes are there from the length reader throwing a RangeError. Noise's
 * reader makes a new one each time, with a stack trace: profiled, 6–9 % of
 * the CPU of ten peers exchanging chat messages, more than the decryption.
 * This reader throws one RangeError made once (the decoder catches any
 * RangeError as "wait for more bytes"), and reads the two bytes as noise's
 * does.
 *
 * It reaches into libp2p's connection (its muxer's underlying stream,
 * noise's, and that stream's decoder): a connection of another shape is
 * left as it is.
 */
import type { Connection } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

/** What the decoder catches as "not enough bytes yet"; made once, so no stack trace is captured per read. */
const NOT_YET = new RangeError('Could not decode int16BE')

/** A big-endian uint16 from the first two bytes of an array or a Uint8ArrayList, as noise's own reader. */
export function frameLength(data: Uint8Array | Uint8ArrayList): number {
  if (data.length < 2) throw NOT_YET
  if (data instanceof Uint8Array) return ((data[0] as number) << 8) | (data[1] as number)
  return data.getUint16(0)
}
frameLength.bytes = 2

interface NoiseStreamInternals {
  decoder?: { lengthDecoder?: unknown }
}

/** Gives this connection's Noise stream the quiet length reader; false if it is not a connection of the shape it knows. */
export function quietFrameLengths(connection: Connection): boolean {
  const stream = (connection as unknown as { muxer?: { maConn?: NoiseStreamInternals } }).muxer?.maConn
  const decoder = stream?.decoder
  if (decoder === undefined || typeof decoder.lengthDecoder !== 'function') return false
  if ((decoder.lengthDecoder as { name?: string }).name !== 'uint16BEDecode' && decoder.lengthDecoder !== frameLength) return false
  decoder.lengthDecoder = frameLength
  return true
}
