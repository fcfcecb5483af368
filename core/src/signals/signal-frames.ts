/**
 * Signals: what a member says about itself right now — typing, online,
 * away, gone — on a gossip channel of its own per group, never in the log.
 * A signal is signed by the device and sealed under a key derived from the
 * group's writing epoch key, so only members who hold that key read it,
 * and only a current member's signal counts (the receiver checks the
 * membership). Each carries the time it was made; a receiver drops one
 * too far from its own clock, and what it says lasts a short while
 * (signal-states.ts).
 *
 * Frame: CBOR [1, group id, author key, epoch id, nonce, sealed, signature]
 * where sealed = XChaCha20-Poly1305(HKDF(epoch key, "signals"), nonce,
 * aad = CBOR [1, group, author, epoch], CBOR [kind, time]) and the
 * signature (Ed25519, by the author's device key) covers the CBOR of the
 * first six fields.
 */
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { randomBytes } from '@noble/hashes/utils.js'
import { decode, encode } from 'cborg'
import { PUBLIC_KEY_BYTES } from '../constants.ts'
import type { XChaChaAead } from '../crypto/body-cipher.ts'
import type { DeviceKey } from '../identity/device-key.ts'
import type { Signatures } from '../identity/signatures.ts'

export const SIGNAL_VERSION = 1
/** Larger frames are not signals: dropped before anything else is done with them. */
export const MAX_SIGNAL_BYTES = 512
export const SIGNAL_KINDS = ['typing', 'stopped', 'online', 'away', 'offline'] as const
export type SignalKind = (typeof SIGNAL_KINDS)[number]

const SALT = new TextEncoder().encode('causette/v1')
const LABEL = new TextEncoder().encode('signals')
const NONCE_BYTES = 24
const SIGNATURE_BYTES = 64

export interface Signal {
  group: Uint8Array
  author: Uint8Array
  /** The epoch whose key sealed it (hex id as EpochKeys names it). */
  epoch: Uint8Array
  kind: SignalKind
  /** The author's clock when it was made (ms). */
  time: number
}

/** The key signals of an epoch are sealed with: its own HKDF label, so it opens no message body. */
export function signalKey(epochKey: Uint8Array): Uint8Array {
  return hkdf(sha256, epochKey, SALT, LABEL, 32)
}

export async function sealSignal(
  signal: Signal,
  epochKey: Uint8Array,
  device: DeviceKey,
  signatures: Signatures,
  aead: XChaChaAead
): Promise<Uint8Array> {
  const nonce = randomBytes(NONCE_BYTES)
  const aad = encode([SIGNAL_VERSION, signal.group, signal.author, signal.epoch])
  const sealed = aead.seal(signalKey(epochKey), nonce, aad, encode([signal.kind, signal.time]))
  const signed = [SIGNAL_VERSION, signal.group, signal.author, signal.epoch, nonce, sealed]
  const signature = await signatures.sign(device, encode(signed))
  return encode([...signed, signature])
}

/** What a frame claims before it is checked: who, for which group and epoch. */
export interface SignalHeader {
  group: Uint8Array
  author: Uint8Array
  epoch: Uint8Array
  nonce: Uint8Array
  sealed: Uint8Array
  signature: Uint8Array
  /** The bytes the signature covers. */
  signed: Uint8Array
}

/** Reads a frame's fields; undefined for anything that is not a well-formed signal frame. */
export function readSignalHeader(bytes: Uint8Array): SignalHeader | undefined {
  if (bytes.byteLength > MAX_SIGNAL_BYTES) return undefined
  let fields: unknown
  try {
    fields = decode(bytes)
  } catch {
    return undefined
  }
  if (!Array.isArray(fields) || fields.length !== 7 || fields[0] !== SIGNAL_VERSION) return undefined
  const [, group, author, epoch, nonce, sealed, signature] = fields as unknown[]
  if (!(group instanceof Uint8Array && author instanceof Uint8Array && epoch instanceof Uint8Array)) return undefined
  if (!(nonce instanceof Uint8Array && sealed instanceof Uint8Array && signature instanceof Uint8Array)) return undefined
  if (author.byteLength !== PUBLIC_KEY_BYTES || nonce.byteLength !== NONCE_BYTES || signature.byteLength !== SIGNATURE_BYTES) return undefined
  return { group, author, epoch, nonce, sealed, signature, signed: encode(fields.slice(0, 6)) }
}

/** Opens a checked frame's body; undefined when the tag does not match or the body is not a signal. */
export function openSignal(header: SignalHeader, epochKey: Uint8Array, aead: XChaChaAead): Signal | undefined {
  const aad = encode([SIGNAL_VERSION, header.group, header.author, header.epoch])
  const plain = aead.open(signalKey(epochKey), header.nonce, aad, header.sealed)
  if (plain === null) return undefined
  let body: unknown
  try {
    body = decode(plain)
  } catch {
    return undefined
  }
  if (!Array.isArray(body) || body.length !== 2) return undefined
  const [kind, time] = body as unknown[]
  if (typeof kind !== 'string' || !(SIGNAL_KINDS as readonly string[]).includes(kind) || typeof time !== 'number' || !Number.isFinite(time))
    return undefined
  return { group: header.group, author: header.author, epoch: header.epoch, kind: kind as SignalKind, time }
}
