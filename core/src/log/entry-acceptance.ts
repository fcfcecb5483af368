/**
 * Adding a batch of entries from anywhere: after the first look
 * (batch-intake.ts), each entry whose parents and previous entry are present
 * is admitted and committed, then whatever was waiting on it; the others are
 * held back (pending-entries.ts) until what they wait for arrives. What was
 * accepted is stored, unless it came from the store, and announced.
 */
import type { Entry } from '../codec/entry-codec.ts'
import { toHex } from '../codec/hex.ts'
import type { Signatures } from '../identity/signatures.ts'
import { type Store, storedEntryOf } from '../store/store.ts'
import { type Admission, type AdmissionContext, admit } from './admission.ts'
import { intake } from './batch-intake.ts'
import type { EntryIndex } from './entry-index.ts'
import type { AddOptions, AddResult, EntrySource, LogEntry } from './log-entry.ts'
import { missingParents, PendingEntries } from './pending-entries.ts'

export interface EntryAcceptanceComponents {
  groupId: Uint8Array
  signatures: Signatures
  store: Store
  index: EntryIndex
  admission: AdmissionContext
  /** Makes an admitted entry part of the log. */
  commit(admission: Admission, entry: Entry, result: AddResult): LogEntry
  /** Tells listeners what was added. */
  announce(result: AddResult, source: EntrySource, encodings?: Uint8Array[]): void
}

export class EntryAcceptance {
  /** Entries waiting for their parents. */
  readonly pending = new PendingEntries()
  private readonly components: EntryAcceptanceComponents

  constructor(components: EntryAcceptanceComponents) {
    this.components = components
  }

  /** Adds entries (encoded or decoded); see AddResult for what happened to each. Run in the log's queue. */
  async add(input: Array<Uint8Array | Entry>, options: AddOptions): Promise<AddResult> {
    const { groupId, index, store } = this.components
    const batch = await intake(input, {
      groupId,
      known: (idHex) => index.has(idHex) || this.pending.has(idHex),
      signatures: this.components.signatures,
      trusted: options.trusted === true
    })
    const result: AddResult = { added: [], duplicates: batch.duplicates, pending: 0, rejected: batch.rejected, equivocations: [] }
    const stillPending = new Set<string>()
    const accepted: Entry[] = []
    for (const entry of batch.fresh) this.accept(entry, result, stillPending, accepted)
    result.pending = stillPending.size
    if (options.source !== 'store' && accepted.length > 0) {
      await store.putEntries(
        groupId,
        accepted.map((e) => storedEntryOf(e))
      )
    }
    this.components.announce(result, options.source ?? 'import', options.source === 'local' ? accepted.map((e) => e.bytes) : undefined)
    return result
  }

  /** Accepts the entry if its predecessors are present, then whatever was waiting on it. */
  private accept(first: Entry, result: AddResult, stillPending: Set<string>, accepted: Entry[]): void {
    const { index, admission } = this.components
    const work = [first]
    while (work.length > 0) {
      const entry = work.pop() as Entry
      const idHex = toHex(entry.id)
      if (index.has(idHex)) continue
      const missing = missingParents(entry, (h) => index.has(h))
      if (missing.length > 0) {
        this.pending.hold(entry, idHex, missing)
        stillPending.add(idHex)
        continue
      }
      this.pending.forget(idHex)
      stillPending.delete(idHex)
      try {
        result.added.push(this.components.commit(admit(entry, idHex, admission), entry, result))
        accepted.push(entry)
      } catch (error) {
        result.rejected.push({ id: idHex, error: error as Error })
        continue
      }
      work.push(...this.pending.release(idHex))
    }
  }
}
