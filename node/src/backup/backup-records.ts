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
 */
import type { BlockedMember } from '../store/block-list.ts'
import type { KnownPeer } from '../store/known-peers.ts'
import type { Verification } from '../store/verified-members.ts'
import { BackupContentError } from './errors.ts'

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

export interface BackupSettings {
  settings: Record<string, string>
  blocked: BlockedMember[]
  verified: Verification[]
  knownPeers: KnownPeer[]
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

/** Cuts a byte stream, pushed in pieces of any size, into records. */
export class RecordReader {
  private buffer: Uint8Array = new Uint8Array(0)

  push(bytes: Uint8Array): BackupRecord[] {
    this.buffer = this.buffer.byteLength === 0 ? bytes : Buffer.concat([this.buffer, bytes])
    const records: BackupRecord[] = []
    while (this.buffer.byteLength >= HEAD_BYTES) {
      const type = this.buffer[0] as number
      const length = new DataView(this.buffer.buffer, this.buffer.byteOffset).getUint32(1)
      if (type < RECORD.about || type > RECORD.end || length > MAX_RECORD_BYTES) {
        throw new BackupContentError(`the backup holds a record Causette does not write (type ${type}, ${length} bytes)`)
      }
      if (this.buffer.byteLength < HEAD_BYTES + length) break
      records.push({ type: type as RecordType, payload: this.buffer.slice(HEAD_BYTES, HEAD_BYTES + length) })
      this.buffer = this.buffer.subarray(HEAD_BYTES + length)
    }
    return records
  }

  /** Whether a record was left half read when the stream ended. */
  get partial(): boolean {
    return this.buffer.byteLength > 0
  }
}
