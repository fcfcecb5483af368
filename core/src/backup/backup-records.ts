/**
 * What a backup holds, as records: the plaintext that backup-file.ts seals,
 * and what `GET /v1/backup` streams from a running daemon. A record is
 * `[type: u8][length: u32 BE][payload]`; in order:
 *
 *   about        JSON BackupAbout: when, and how many groups and entries follow
 *   device-key   the 64 bytes of the device's Ed25519 key pair
 *   settings     JSON BackupSettings: settings, block list, verified members, known peers
 *   group        JSON BackupGroup: a group record with its secret   } once per group
 *   entries      [u32 BE length][entry] ... of the group above       } zero or more each
 *   end          JSON BackupEnd: the counts written, checked by the reader
 *
 * The daemon and a browser tab write the same records, so either restores
 * the other's backup: settings both know (`name`, `presence`) share their
 * names and values, and what only one of them has is kept and ignored by
 * the other.
 */
import { concat } from 'uint8arrays/concat'
import { BackupContentError } from './backup-errors.ts'

export const RECORD = { about: 1, deviceKey: 2, settings: 3, group: 4, entries: 5, end: 6 } as const
export type RecordType = (typeof RECORD)[keyof typeof RECORD]

/** An entries record is cut at this many bytes of entries (and a page of the store). */
export const ENTRIES_RECORD_BYTES = 4 * 1024 * 1024
/** No record is larger: an entries record, plus one entry that crossed the cut, plus room. */
const MAX_RECORD_BYTES = 8 * 1024 * 1024
const HEAD_BYTES = 5

export interface BackupAbout {
  createdAt: number
  groups: number
  entries: number
}

/** A member this device blocked (the daemon's block list). */
export interface BackupBlocked {
  /** Hex device key. */
  key: string
  name?: string
  blockedAt: number
}

/** A member whose safety number this person compared and marked as verified. */
export interface BackupVerification {
  /** Hex device key. */
  key: string
  /** The safety number that was compared. */
  fingerprint: string
  name?: string
  verifiedAt: number
}

/** A peer this device met, with where it was reached. */
export interface BackupKnownPeer {
  peer: string
  addresses: string[]
  lastSeen: number
}

export interface BackupSettings {
  /** Named settings: `name` (the display name), `presence` ('on' | 'off'), and what else a runtime keeps. */
  settings: Record<string, string>
  blocked: BackupBlocked[]
  verified: BackupVerification[]
  knownPeers: BackupKnownPeer[]
}

export interface BackupGroup {
  /** Hex. */
  id: string
  /** Hex: the group secret, which only invites and backups carry. */
  secret: string
  name: string
  addedAt: number
  /** Entries the store held when the backup began. */
  entries: number
}

export interface BackupEnd {
  groups: number
  entries: number
}

export interface BackupRecord {
  type: RecordType
  payload: Uint8Array
}

export function encodeRecord(type: RecordType, payload: Uint8Array): Uint8Array {
  const record = new Uint8Array(HEAD_BYTES + payload.byteLength)
  record[0] = type
  new DataView(record.buffer).setUint32(1, payload.byteLength)
  record.set(payload, HEAD_BYTES)
  return record
}

export function jsonRecord(type: RecordType, value: object): Uint8Array {
  return encodeRecord(type, new TextEncoder().encode(JSON.stringify(value)))
}

export function entriesRecord(entries: readonly Uint8Array[]): Uint8Array {
  const length = entries.reduce((n, e) => n + 4 + e.byteLength, 0)
  const payload = new Uint8Array(length)
  const view = new DataView(payload.buffer)
  let at = 0
  for (const e of entries) {
    view.setUint32(at, e.byteLength)
    payload.set(e, at + 4)
    at += 4 + e.byteLength
  }
  return encodeRecord(RECORD.entries, payload)
}

export function decodeEntries(payload: Uint8Array): Uint8Array[] {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength)
  const entries: Uint8Array[] = []
  for (let at = 0; at < payload.byteLength; ) {
    const length = at + 4 <= payload.byteLength ? view.getUint32(at) : Number.POSITIVE_INFINITY
    if (at + 4 + length > payload.byteLength) throw new BackupContentError('an entries record of the backup is malformed')
    entries.push(payload.subarray(at + 4, at + 4 + length))
    at += 4 + length
  }
  return entries
}

export function decodeJson<T>(record: BackupRecord): T {
  try {
    return JSON.parse(new TextDecoder().decode(record.payload)) as T
  } catch {
    throw new BackupContentError(`a record of the backup (type ${record.type}) is not readable`)
  }
}

/**
 * Cuts a byte stream, pushed in pieces of any size, into records. Pieces
 * are kept as they come until a whole record is held, then joined once: a
 * 4 MiB record arriving in 64 KiB pieces is copied once, not 64 times.
 */
export class RecordReader {
  private pieces: Uint8Array[] = []
  private held = 0
  /** Bytes needed before another record can complete. */
  private need = HEAD_BYTES

  push(bytes: Uint8Array): BackupRecord[] {
    this.pieces.push(bytes)
    this.held += bytes.byteLength
    if (this.held < this.need) return []
    let buffer = this.pieces.length === 1 ? (this.pieces[0] as Uint8Array) : concat(this.pieces, this.held)
    const records: BackupRecord[] = []
    for (;;) {
      if (buffer.byteLength < HEAD_BYTES) {
        this.need = HEAD_BYTES
        break
      }
      const type = buffer[0] as number
      const length = new DataView(buffer.buffer, buffer.byteOffset).getUint32(1)
      if (type < RECORD.about || type > RECORD.end || length > MAX_RECORD_BYTES) {
        throw new BackupContentError(`the backup holds a record Causette does not write (type ${type}, ${length} bytes)`)
      }
      if (buffer.byteLength < HEAD_BYTES + length) {
        this.need = HEAD_BYTES + length
        break
      }
      records.push({ type: type as RecordType, payload: buffer.slice(HEAD_BYTES, HEAD_BYTES + length) })
      buffer = buffer.subarray(HEAD_BYTES + length)
    }
    this.pieces = buffer.byteLength === 0 ? [] : [buffer]
    this.held = buffer.byteLength
    return records
  }

  /** Whether a record was left half read when the stream ended. */
  get partial(): boolean {
    return this.held > 0
  }
}
