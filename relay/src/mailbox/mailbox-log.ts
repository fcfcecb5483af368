/**
 * One kept group as the sync protocol sees it (core's SyncedLog): the
 * relay proves the group's mailbox capability, reconciles over its stored
 * order keys, serves entries by id, and takes the entries a member pushes
 * after the checks it can make without any key — the canonical encoding
 * and size (decodeEntry), the group, the author's signature, the author's
 * rate (entries dated in one minute) and the group's quotas. A refused
 * entry is counted by reason and named to the member in the refusal; the
 * good ones of the same batch are kept.
 */
import {
  decodeEntry,
  type Entry,
  ERASED_EARLY_TOLERANCE_MS,
  ErasedTooEarlyError,
  erasedBytesOf,
  type KeyRange,
  orderKey,
  type Signatures,
  type SyncedAddResult,
  type SyncedLog,
  verifyBatch,
  WrongGroupError
} from '@causette/core/mailbox-serving'
import { equals } from 'uint8arrays/equals'
import type { MailboxCounters } from './mailbox-counters.ts'
import { MailboxQuotaError, MailboxRateError } from './mailbox-errors.ts'
import type { MailboxRecord, MailboxStore, StoredEntry } from './mailbox-store.ts'

export interface MailboxLimits {
  maxEntries: number
  maxBytes: number
  /** Entries one author may have here dated within one minute. */
  authorEntriesPerMinute: number
}

const KEYS_PAGE = 4096

export class MailboxLog implements SyncedLog {
  readonly syncKey: Uint8Array
  readonly record: MailboxRecord
  private readonly store: MailboxStore
  private readonly limits: MailboxLimits
  private readonly signatures: Signatures
  private readonly counters: MailboxCounters
  private readonly now: () => number

  constructor(
    store: MailboxStore,
    record: MailboxRecord,
    /** The capability the member named the group by: the current one, or an earlier epoch's. */
    capability: Uint8Array,
    parts: { limits: MailboxLimits; signatures: Signatures; counters: MailboxCounters; now: () => number }
  ) {
    this.store = store
    this.record = record
    this.syncKey = capability
    this.limits = parts.limits
    this.signatures = parts.signatures
    this.counters = parts.counters
    this.now = parts.now
  }

  async listKeys(range: KeyRange): Promise<Uint8Array[]> {
    return this.store.listKeys(this.record.id, range.from ?? new Uint8Array(0), range.to, range.limit ?? KEYS_PAGE)
  }

  async getEntries(ids: Uint8Array[]): Promise<Array<Uint8Array | undefined>> {
    const found = ids.map((id) => this.store.getEntry(this.record.id, id))
    this.counters.served(found.filter((b) => b !== undefined).length)
    return found
  }

  async add(input: Uint8Array[]): Promise<SyncedAddResult> {
    const rejected: Array<{ error: unknown }> = []
    const refuse = (error: Error) => {
      rejected.push({ error })
      this.counters.refused(error)
    }
    const candidates: Entry[] = []
    for (const bytes of input) {
      try {
        const entry = decodeEntry(bytes)
        if (!this.inGroup(entry)) throw new WrongGroupError('the entry belongs to another group than the one this sync is for')
        if (entry.erased === true && (entry.expires as number) > this.now() + ERASED_EARLY_TOLERANCE_MS) {
          throw new ErasedTooEarlyError('the entry came with its body erased before its expiry; a relay keeps a message until it disappears')
        }
        if (!this.store.has(this.record.id, entry.id)) candidates.push(entry)
      } catch (err) {
        refuse(err as Error)
      }
    }
    const verified = await verifyBatch(candidates, this.signatures)
    for (const { error } of verified.invalid) refuse(error)
    const current = this.store.get(this.record.id) ?? this.record
    let entries = current.entries
    let bytes = current.bytes
    const perMinute = new Map<string, number>()
    const accepted: StoredEntry[] = []
    for (const entry of verified.valid) {
      const minute = Math.floor(entry.time / 60_000)
      const key = `${Buffer.from(entry.author).toString('hex')}/${minute}`
      const already = perMinute.get(key) ?? this.store.authorMinute(this.record.id, entry.author, minute)
      if (already >= this.limits.authorEntriesPerMinute) {
        refuse(
          new MailboxRateError(`an author may store at most ${this.limits.authorEntriesPerMinute} entries dated within one minute on this relay`)
        )
        continue
      }
      if (entries + 1 > this.limits.maxEntries || bytes + entry.bytes.byteLength > this.limits.maxBytes) {
        refuse(
          new MailboxQuotaError(
            `this relay keeps at most ${this.limits.maxEntries} entries and ${Math.round(this.limits.maxBytes / 2 ** 20)} MB of a group, and this group's mailbox is full; its members still reach each other directly (ask the relay's operator for more room, or use another relay)`
          )
        )
        continue
      }
      perMinute.set(key, already + 1)
      // a body past its deadline is never kept, not even until the next sweep
      const due = entry.expires !== undefined && entry.erased !== true && entry.expires <= this.now()
      const kept = due ? erasedBytesOf(entry) : entry.bytes
      entries++
      bytes += kept.byteLength
      const stored: StoredEntry = { orderKey: orderKey(entry), id: entry.id, author: entry.author, minute, bytes: kept }
      if (entry.expires !== undefined && entry.erased !== true && !due) stored.expires = entry.expires
      accepted.push(stored)
    }
    const added = this.store.insert(this.record.id, accepted, this.now())
    this.counters.stored(added)
    return { added: accepted.slice(0, added), rejected }
  }

  private inGroup(entry: Entry): boolean {
    // the genesis entry names no group: its own id is the group id
    return entry.group.byteLength === 0 ? equals(entry.id, this.record.group) : equals(entry.group, this.record.group)
  }
}
