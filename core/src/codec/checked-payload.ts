/**
 * Links people pass around (invites, device links) carry a CBOR body in
 * base64url followed by a 4-byte SHA-256 checksum, so a link cut short or
 * changed is told apart from text that was never a link.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { equals } from 'uint8arrays/equals'
import { toString as bytesToString } from 'uint8arrays/to-string'

export const CHECKSUM_BYTES = 4

/** base64url of the body and its checksum. */
export function encodeChecked(body: Uint8Array): string {
  const out = new Uint8Array(body.byteLength + CHECKSUM_BYTES)
  out.set(body)
  out.set(sha256(body).subarray(0, CHECKSUM_BYTES), body.byteLength)
  return bytesToString(out, 'base64url')
}

/** Whether the checksum after `body` in `all` is the body's. */
export function checksumHolds(body: Uint8Array, all: Uint8Array): boolean {
  return equals(sha256(body).subarray(0, CHECKSUM_BYTES), all.subarray(body.byteLength))
}
