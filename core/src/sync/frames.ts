/**
 * Wire form of the sync protocol's frames: CBOR arrays whose first element
 * names the frame. Decoding checks the type and size of every field and the
 * number of ranges, ids and entries before using them; anything else is a
 * MalformedSyncFrameError that ends the session.
 */
import { decode, encode } from 'cborg'
import { fromHex, toHex } from '../codec/hex.ts'
import { ENTRY_ID_BYTES, MAX_ENTRY_BYTES } from '../constants.ts'
import type { Bound } from './bounds.ts'
import { FINGERPRINT_BYTES } from './fingerprint.ts'
import { ID_PREFIX_BYTES, type Range } from './reconciler.ts'
import { MalformedSyncFrameError } from './sync-errors.ts'

/** 2: a receiver acknowledges each entries frame (`taken`), so a sender learns of a refusal before it ends. */
export const SYNC_VERSION = 2
/** Largest frame either side sends or accepts. */
export const MAX_SYNC_FRAME_BYTES = 1024 * 1024
/** Entries frames are filled up to this many bytes of entries. */
export const ENTRIES_FRAME_BYTES = 512 * 1024
export const MAX_RANGES_PER_FRAME = 4096
export const MAX_IDS_PER_RANGE = 4096
export const TAG_BYTES = 16
export const NONCE_BYTES = 32
export const PROOF_BYTES = 32

export type SyncFrame =
  | { type: 'hello'; version: number; tag: Uint8Array; nonce: Uint8Array }
  | { type: 'welcome'; nonce: Uint8Array; proof: Uint8Array }
  | { type: 'proof'; proof: Uint8Array }
  | { type: 'refuse'; reason: string }
  | { type: 'ranges'; ranges: Range[] }
  /** How many entries the sender is about to push, for progress. */
  | { type: 'incoming'; count: number }
  | { type: 'entries'; entries: Uint8Array[] }
  /** The receiver checked and stored (or already held) this many of the entries pushed to it. */
  | { type: 'taken'; count: number }
  | { type: 'done' }

const CODES = { hello: 1, welcome: 2, proof: 3, refuse: 4, ranges: 5, incoming: 6, entries: 7, done: 8, taken: 9 } as const
const MODES = { skip: 0, fingerprint: 1, ids: 2, want: 3 } as const

export function encodeFrame(frame: SyncFrame): Uint8Array {
  switch (frame.type) {
    case 'hello':
      return encode([CODES.hello, frame.version, frame.tag, frame.nonce])
    case 'welcome':
      return encode([CODES.welcome, frame.nonce, frame.proof])
    case 'proof':
      return encode([CODES.proof, frame.proof])
    case 'refuse':
      return encode([CODES.refuse, frame.reason])
    case 'ranges':
      return encode([CODES.ranges, frame.ranges.map(encodeRange)])
    case 'incoming':
      return encode([CODES.incoming, frame.count])
    case 'entries':
      return encode([CODES.entries, frame.entries])
    case 'done':
      return encode([CODES.done])
    case 'taken':
      return encode([CODES.taken, frame.count])
  }
}

function encodeRange(r: Range): unknown[] {
  const head: unknown[] = [r.upper.clock, fromHex(r.upper.prefix), MODES[r.mode]]
  if (r.mode === 'fingerprint') head.push(r.fingerprint)
  if (r.mode === 'ids' || r.mode === 'want') head.push(r.ids)
  return head
}

export function decodeFrame(bytes: Uint8Array): SyncFrame {
  if (bytes.byteLength > MAX_SYNC_FRAME_BYTES) throw new MalformedSyncFrameError(`sync frame of ${bytes.byteLength} bytes exceeds the limit`)
  let value: unknown
  try {
    value = decode(bytes, { strict: true, allowUndefined: false, allowIndefinite: false, tags: [] })
  } catch (err) {
    throw new MalformedSyncFrameError(`sync frame is not valid CBOR: ${(err as Error).message}`)
  }
  if (!Array.isArray(value) || value.length === 0) throw new MalformedSyncFrameError('a sync frame is a non-empty array')
  const [code, ...f] = value as unknown[]
  switch (code) {
    case CODES.hello:
      return {
        type: 'hello',
        version: uint(f[0], 'hello version'),
        tag: byteField(f[1], TAG_BYTES, 'hello tag'),
        nonce: byteField(f[2], NONCE_BYTES, 'hello nonce')
      }
    case CODES.welcome:
      return { type: 'welcome', nonce: byteField(f[0], NONCE_BYTES, 'welcome nonce'), proof: byteField(f[1], PROOF_BYTES, 'welcome proof') }
    case CODES.proof:
      return { type: 'proof', proof: byteField(f[0], PROOF_BYTES, 'proof') }
    case CODES.refuse:
      if (typeof f[0] !== 'string' || f[0].length > 500) throw new MalformedSyncFrameError('refuse reason must be short text')
      return { type: 'refuse', reason: f[0] }
    case CODES.ranges:
      return { type: 'ranges', ranges: list(f[0], MAX_RANGES_PER_FRAME, 'ranges').map(decodeRange) }
    case CODES.incoming:
      return { type: 'incoming', count: uint(f[0], 'incoming count') }
    case CODES.entries: {
      const entries = list(f[0], Math.ceil(MAX_SYNC_FRAME_BYTES / 100), 'entries')
      for (const e of entries) {
        if (!(e instanceof Uint8Array) || e.byteLength > MAX_ENTRY_BYTES)
          throw new MalformedSyncFrameError('entries must be byte strings within the entry size limit')
      }
      return { type: 'entries', entries: entries as Uint8Array[] }
    }
    case CODES.done:
      return { type: 'done' }
    case CODES.taken:
      return { type: 'taken', count: uint(f[0], 'taken count') }
    default:
      throw new MalformedSyncFrameError(`unknown sync frame type ${String(code)}`)
  }
}

function decodeRange(value: unknown): Range {
  if (!Array.isArray(value) || value.length < 3 || value.length > 4) throw new MalformedSyncFrameError('a range is [clock, prefix, mode, payload?]')
  const [clock, prefix, mode, payload] = value as unknown[]
  const upper: Bound = { clock: uint(clock, 'range clock'), prefix: prefixHex(prefix) }
  switch (mode) {
    case MODES.skip:
      return { upper, mode: 'skip' }
    case MODES.fingerprint:
      return { upper, mode: 'fingerprint', fingerprint: byteField(payload, FINGERPRINT_BYTES, 'range fingerprint') }
    case MODES.ids:
    case MODES.want: {
      const ids = list(payload, MAX_IDS_PER_RANGE, 'range ids').map((id) => byteField(id, ID_PREFIX_BYTES, 'range id'))
      return { upper, mode: mode === MODES.ids ? 'ids' : 'want', ids }
    }
    default:
      throw new MalformedSyncFrameError(`unknown range mode ${String(mode)}`)
  }
}

function uint(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new MalformedSyncFrameError(`${what} must be a non-negative integer`)
  return v
}

function byteField(v: unknown, length: number, what: string): Uint8Array {
  if (!(v instanceof Uint8Array) || v.byteLength !== length) throw new MalformedSyncFrameError(`${what} must be ${length} bytes`)
  return v
}

function list(v: unknown, max: number, what: string): unknown[] {
  if (!Array.isArray(v)) throw new MalformedSyncFrameError(`${what} must be a list`)
  if (v.length > max) throw new MalformedSyncFrameError(`${what}: ${v.length} items, more than the limit of ${max}`)
  return v
}

function prefixHex(v: unknown): string {
  if (!(v instanceof Uint8Array) || v.byteLength > 32 + ENTRY_ID_BYTES) throw new MalformedSyncFrameError('range prefix must be at most 64 bytes')
  return toHex(v)
}
