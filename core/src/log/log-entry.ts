/** What the group log takes and hands out: its parts, accepted entries, the outcome of adding a batch, its events. */

import type { FileRef, Operation } from '../chat/operations.ts'
import type { Sha256 } from '../codec/entry-codec.ts'
import type { XChaChaAead } from '../crypto/body-cipher.ts'
import type { X25519 } from '../crypto/x25519.ts'
import type { Frontier } from '../group/frontier.ts'
import type { PersonClaim, Role } from '../group/membership-operations.ts'
import type { DeviceKey } from '../identity/device-key.ts'
import type { Signatures } from '../identity/signatures.ts'
import type { Store } from '../store/store.ts'
import type { Equivocation } from './author-tips.ts'
import type { PreparedBatch } from './batch-intake.ts'

/** An accepted entry as the log keeps it in memory: what ordering, admission and the view need. Its encoding is in the store (GroupLog.getEntries). */
export interface LogEntry {
  readonly id: Uint8Array
  readonly idHex: string
  readonly authorHex: string
  readonly seq: number
  readonly clock: number
  /** The author's wall clock when writing (ms), as claimed; for display only. */
  readonly time: number
  /**
   * The time to show: the claimed time, but never later than that of any
   * entry written after this one (a descendant), so a writer whose clock is
   * ahead cannot date a message into the future once anyone has answered it.
   */
  shownTime: number
  /** '' for the first epoch, else the hex id of the epoch whose key encrypted the body. */
  readonly epochHex: string
  /** When the entry expires (ms): its body is erased then, and what it showed disappears (a version 2 entry). */
  readonly expires?: number
  /** The operation; undefined while sealed (this device lacks the epoch's key) or if it could not be read. */
  op: Operation | undefined
  /** Waiting for the key of its epoch. */
  sealed: boolean
  /** The author's role where the entry stands in the log (undefined for a join, written by a newcomer). */
  readonly role: string | undefined
  /** The person the author's device is where the entry stands, when a linked device (not its own person). */
  readonly person?: string
  /** Membership operations in the entry's causal past, and the state they make. */
  readonly frontier: Frontier
}

/** Role narrowed for callers that care. */
export type LogEntryRole = Role | undefined

export interface Rejection {
  /** Hex id, when the bytes decoded far enough to have one. */
  id?: string
  error: Error
}

export type { Equivocation } from './author-tips.ts'

export interface AddResult {
  /** Entries accepted by this call, parents before children. */
  added: LogEntry[]
  duplicates: number
  /** Entries of this call still waiting for missing parents. */
  pending: number
  rejected: Rejection[]
  /** Equivocations this call revealed. */
  equivocations: Equivocation[]
}

export type EntrySource = 'local' | 'gossip' | 'sync' | 'store' | 'import'

export interface AddOptions {
  /** Entries from this device's own store: skip signature checks. */
  trusted?: boolean
  /** Where the entries came from; passed on in the `entries` event. */
  source?: EntrySource
  /** The first look at these very entries, started ahead (GroupLog.prepare). */
  prepared?: PreparedBatch
}

export interface EntriesAdded {
  entries: LogEntry[]
  source: EntrySource
  /** For this device's own entries ('local'): their encodings, as just written, one per entry, to publish. */
  encodings?: Uint8Array[]
}

export interface GroupLogEvents {
  /** Entries were accepted (parents before children). */
  entries: CustomEvent<EntriesAdded>
  /** An author wrote two entries with one seq. */
  equivocation: CustomEvent<Equivocation>
  /** Membership, roles or epochs changed. */
  membership: CustomEvent<void>
  /** Sealed entries became readable (a key arrived). */
  unsealed: CustomEvent<{ entries: LogEntry[] }>
  /** The view was rebuilt from scratch (a removal hid entries, or the block list changed): re-read all of it. */
  rebuilt: CustomEvent<void>
  /** Disappearing messages' bodies were erased past their deadline (hex ids): what they showed is gone. */
  erased: CustomEvent<{ ids: string[]; files: FileRef[] }>
}

export interface GroupLogInit {
  groupId: Uint8Array
  secret: Uint8Array
  key: DeviceKey
  store: Store
  signatures?: Signatures
  /** Seals and opens entry bodies: noble's XChaCha20-Poly1305 unless a platform injects a faster implementation of the same cipher. */
  aead?: XChaChaAead
  /** Grants and opens epoch keys: noble's X25519 unless a platform injects a faster implementation of the same function. */
  x25519?: X25519
  /** Computes the ids of entries that come from peers: noble's SHA-256 unless a platform injects a faster one. */
  sha256?: Sha256
  /** Recent entries kept in memory beside heads and authors' tips (default RECENT_ENTRIES); older ones are read back from the store. */
  recentEntries?: number
  /** Wall clock for entry times; tests inject their own. */
  now?: () => number
  /** Reports loading from the store: entries loaded of the total. */
  onProgress?: (loaded: number, total: number) => void
  /** Stops loading from the store (between two pages). */
  signal?: AbortSignal
  /** Whose device this is, for a linked device (docs/devices.md): its person key and the person's certificate, which its create and join carry. */
  person?: PersonClaim
}
