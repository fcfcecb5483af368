/**
 * The AutoNAT v2 messages a daemon exchanges with a relay that checks its
 * reachability (https://github.com/libp2p/specs/blob/master/autonat/autonat-v2.md),
 * in protobuf: the dial request it sends, the responses and dial-data
 * requests it reads, the dial-back it receives and its answer. Only the
 * fields of those messages; an unknown field is skipped, as protobuf wants.
 */

export const DIAL_REQUEST_PROTOCOL = '/libp2p/autonat/2/dial-request'
export const DIAL_BACK_PROTOCOL = '/libp2p/autonat/2/dial-back'

/** DialResponse.ResponseStatus */
export const RESPONSE_OK = 200
/** DialStatus */
export const DIAL_OK = 200
export const DIAL_ERROR = 100
export const DIAL_BACK_ERROR = 101

export interface DialResponse {
  status: number
  addrIdx: number
  dialStatus: number
}

/** What the server sends on the dial-request stream: a response, or a demand for data before it dials another IP. */
export type ServerMessage = { dialResponse: DialResponse } | { dialDataRequest: { addrIdx: number; numBytes: number } } | { other: true }

export class MalformedAutoNATMessageError extends Error {
  static override name = 'MalformedAutoNATMessageError'
  override name = 'MalformedAutoNATMessageError'
  constructor(message = 'the relay sent an AutoNAT message that does not decode') {
    super(message)
  }
}

/** Message { dialRequest = 1: DialRequest { repeated bytes addrs = 1; fixed64 nonce = 2 } } */
export function encodeDialRequest(addrs: Uint8Array[], nonce: bigint): Uint8Array {
  const nonceBytes = new Uint8Array(8)
  new DataView(nonceBytes.buffer).setBigUint64(0, nonce, true)
  const request = concat([...addrs.map((a) => field(1, 2, a)), tag(2, 1), nonceBytes])
  return field(1, 2, request)
}

/** Message { dialDataResponse = 4: DialDataResponse { bytes data = 1 } } */
export function encodeDialDataResponse(data: Uint8Array): Uint8Array {
  return field(4, 2, field(1, 2, data))
}

/** DialBackResponse { status = 1: OK (0) } */
export function encodeDialBackOk(): Uint8Array {
  return concat([tag(1, 0), varint(0)])
}

export function decodeServerMessage(bytes: Uint8Array): ServerMessage {
  for (const f of fields(bytes)) {
    if (f.number === 2 && f.bytes !== undefined) {
      const response: DialResponse = { status: 0, addrIdx: 0, dialStatus: 0 }
      for (const g of fields(f.bytes)) {
        if (g.number === 1) response.status = Number(g.value ?? 0n)
        if (g.number === 2) response.addrIdx = Number(g.value ?? 0n)
        if (g.number === 3) response.dialStatus = Number(g.value ?? 0n)
      }
      return { dialResponse: response }
    }
    if (f.number === 3 && f.bytes !== undefined) {
      const request = { addrIdx: 0, numBytes: 0 }
      for (const g of fields(f.bytes)) {
        if (g.number === 1) request.addrIdx = Number(g.value ?? 0n)
        if (g.number === 2) request.numBytes = Number(g.value ?? 0n)
      }
      return { dialDataRequest: request }
    }
  }
  return { other: true }
}

/** DialBack { fixed64 nonce = 1 } */
export function decodeDialBackNonce(bytes: Uint8Array): bigint | undefined {
  for (const f of fields(bytes)) if (f.number === 1 && f.value !== undefined) return f.value
  return undefined
}

interface Field {
  number: number
  /** varint and fixed64 values */
  value?: bigint
  /** length-delimited values */
  bytes?: Uint8Array
}

function* fields(bytes: Uint8Array): Generator<Field> {
  let at = 0
  const readVarint = (): bigint => {
    let result = 0n
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = bytes[at++]
      if (byte === undefined) throw new MalformedAutoNATMessageError()
      result |= BigInt(byte & 0x7f) << shift
      if ((byte & 0x80) === 0) return result
    }
    throw new MalformedAutoNATMessageError()
  }
  while (at < bytes.length) {
    const key = Number(readVarint())
    const number = key >>> 3
    const type = key & 7
    if (type === 0) yield { number, value: readVarint() }
    else if (type === 1) {
      if (at + 8 > bytes.length) throw new MalformedAutoNATMessageError()
      yield { number, value: new DataView(bytes.buffer, bytes.byteOffset + at, 8).getBigUint64(0, true) }
      at += 8
    } else if (type === 2) {
      const length = Number(readVarint())
      if (at + length > bytes.length) throw new MalformedAutoNATMessageError()
      yield { number, bytes: bytes.subarray(at, at + length) }
      at += length
    } else if (type === 5) at += 4
    else throw new MalformedAutoNATMessageError()
  }
}

function varint(value: number): Uint8Array {
  const out: number[] = []
  let v = value
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80)
    v = Math.floor(v / 128)
  }
  out.push(v)
  return Uint8Array.from(out)
}

function tag(number: number, type: number): Uint8Array {
  return varint(number * 8 + type)
}

function field(number: number, type: 2, bytes: Uint8Array): Uint8Array {
  return concat([tag(number, type), varint(bytes.length), bytes])
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}
