/**
 * Adding a batch of entries from anywhere: after the first look
 * (batch-intake.ts), entries the store already holds are dropped, the
 * older entries the batch names are read back from the store
 * (EntryIndex.load), and each entry whose parents and previous entry are
 * present is admitted and committed, then whatever was waiting on it; the
 * others are held back (pending-entries.ts) until what they wait for
 * arrives. What was accepted is stored with its facts, unless it came from
 * the store, and announced.
 */

import type { ViewRow } from '../chat/view-rows.ts'
import type { Entry, Sha256 } from '../codec/entry-codec.ts'
import { toHex } from '../codec/hex.ts'
import { MEMBERSHIP_TYPES } from '../group/membership-operations.ts'
import type { Signatures } from '../identity/signatures.ts'
import type { EntryFacts, Store } from '../store/store.ts'
import { storedEntryOf } from '../store/store.ts'
import { type Admission, type AdmissionContext, admit } from './admission.ts'
import { type Intake, intake, type PreparedBatch } from './batch-intake.ts'
import type { EntryIndex } from './entry-index.ts'
import type { AddOptions, AddResult, EntrySource, LogEntry } from './log-entry.ts'
import { orderKey } from './order.ts'
import { missingParents, PendingEntries } from './pending-entries.ts'

export interface EntryAcceptanceComponents {
  groupId: Uint8Array
  signatures: Signatures
  store: Store
  /** The wall clock (ms). */
  now: () => number
  /** Ids of entries that come as bytes; noble's SHA-256 unless injected. */
  sha256?: Sha256
  index: EntryIndex
  admission: AdmissionContext
  /** Makes an admitted entry part of the log; `equivocation`: every id of the author at the entry's seq, if several. */
  commit(admission: Admission, entry: Entry, result: AddResult, equivocation?: string[], key?: Uint8Array): LogEntry
  /** The view rows of what was committed since the last call, to store with the batch. */
  takeRows(): ViewRow[]
  /** Work once the batch is in the store: its view rows written and shown times capped (`fresh`: not loaded from the store with both), a view refreshed. */
  settle(accepted: Accepted[], fresh: boolean): Promise<void>
  /** Tells listeners what was added. */
  announce(result: AddResult, source: EntrySource, encodings?: Uint8Array[]): void
}

export interface Accepted {
  entry: Entry
  node: LogEntry
  /** Its order key (order.ts), made once for the store, the view's rows and sync's buckets. */
  key: Uint8Array
}

/** Loading from the store: the facts it holds for the page, or that it holds none (an older version stored them). */
export interface StoreLoad {
  shownTimes: Map<string, number>
  fillFacts: boolean
}

export class EntryAcceptance {
  /** Entries waiting for their parents. */
  readonly pending = new PendingEntries()
  private readonly components: EntryAcceptanceComponents

  constructor(components: EntryAcceptanceComponents) {
    this.components = components
  }

  /** Adds entries (encoded or decoded); see AddResult for what happened to each. Run in the log's queue. */
  async add(input: Array<Uint8Array | Entry>, options: AddOptions, load?: StoreLoad): Promise<AddResult> {
    try {
      return await this.addBatch(input, options, load)
    } finally {
      this.components.index.release()
    }
  }

  /** Starts the first look at entries from a peer (decoding, signature checks) ahead of their add, outside the log's queue. */
  prepare(input: Uint8Array[]): PreparedBatch {
    const prepared = { input, intake: this.intake(input, false) }
    // a batch prepared and never added (its session ended) fails nowhere
    prepared.intake.catch(() => undefined)
    return prepared
  }

  private intake(input: ReadonlyArray<Uint8Array | Entry>, trusted: boolean): Promise<Intake> {
    const { groupId, index } = this.components
    return intake(input, {
      groupId,
      known: (idHex) => index.has(idHex) || this.pending.has(idHex),
      signatures: this.components.signatures,
      trusted,
      now: this.components.now,
      ...(this.components.sha256 === undefined ? {} : { sha256: this.components.sha256 })
    })
  }

  private async addBatch(input: Array<Uint8Array | Entry>, options: AddOptions, load?: StoreLoad): Promise<AddResult> {
    const { groupId, index, store } = this.components
    // prepared ahead: what it found known then is still known, and what became known since is dropped below
    const batch =
      options.prepared?.input === input && options.trusted !== true
        ? await options.prepared.intake
        : await this.intake(input, options.trusted === true)
    const result: AddResult = { added: [], duplicates: batch.duplicates, pending: 0, rejected: batch.rejected, equivocations: [] }
    const fresh = load === undefined ? await this.withoutStored(batch.fresh, result) : batch.fresh
    await index.load(namedOutside(fresh))
    const stillPending = new Set<string>()
    const accepted: Accepted[] = []
    const seqs = new Map<string, string[]>()
    for (const entry of fresh) await this.accept(entry, { result, stillPending, accepted, seqs, load })
    result.pending = stillPending.size
    const rows = this.components.takeRows()
    if (load === undefined && accepted.length > 0) {
      await store.putEntries(
        groupId,
        accepted.map((a) => storedEntryOf(a.entry, factsOf(a.node), a.key)),
        rows
      )
    } else if (load?.fillFacts === true && accepted.length > 0) {
      // rows first: a crash between the two leaves the facts missing, so the next opening writes both again
      await store.putViewRows(groupId, rows)
      await store.putFacts(
        groupId,
        accepted.map((a) => ({ id: a.entry.id, ...factsOf(a.node) }))
      )
    }
    // loaded with facts: the store holds the view rows, and the shown times are capped already
    await this.components.settle(accepted, load === undefined || load.fillFacts)
    this.components.announce(result, options.source ?? 'import', options.source === 'local' ? accepted.map((a) => a.entry.bytes) : undefined)
    return result
  }

  /** The entries not already in the store; those that are count as duplicates. */
  private async withoutStored(entries: Entry[], result: AddResult): Promise<Entry[]> {
    const { index, store, groupId } = this.components
    // an entry past its author's highest seq cannot be held: only the others are looked up
    const doubtful = entries.filter((e) => e.seq <= index.chains.maxSeq(toHex(e.author)))
    if (doubtful.length === 0) return entries
    const held = await store.hasEntries(
      groupId,
      doubtful.map((e) => e.id)
    )
    const stored = new Set(doubtful.filter((_, i) => held[i]))
    result.duplicates += stored.size
    return stored.size === 0 ? entries : entries.filter((e) => !stored.has(e))
  }

  /** Accepts the entry if its predecessors are present, then whatever was waiting on it. */
  private async accept(first: Entry, batch: BatchState): Promise<void> {
    const { index, admission } = this.components
    const work = [first]
    while (work.length > 0) {
      const entry = work.pop() as Entry
      const idHex = toHex(entry.id)
      if (index.has(idHex)) continue
      let missing = missingParents(entry, (h) => index.has(h))
      if (missing.length > 0) missing = await index.load(missing)
      if (missing.length > 0) {
        this.pending.hold(entry, idHex, missing)
        batch.stillPending.add(idHex)
        continue
      }
      this.pending.forget(idHex)
      batch.stillPending.delete(idHex)
      try {
        const admitted = admit(entry, idHex, admission)
        if (batch.load !== undefined) admitted.node.shownTime = batch.load.shownTimes.get(idHex) ?? admitted.node.shownTime
        // the usual case, the author's next entry, asks the store nothing
        const equivocation = this.mayEquivocate(admitted.node, batch.seqs) ? await this.equivocation(entry, admitted.node, batch.seqs) : undefined
        const key = orderKey(entry)
        const node = this.components.commit(admitted, entry, batch.result, equivocation, key)
        batch.result.added.push(node)
        batch.accepted.push({ entry, node, key })
      } catch (error) {
        batch.result.rejected.push({ id: idHex, error: error as Error })
        continue
      }
      work.push(...this.pending.release(idHex))
    }
  }

  /** Notes the entry's (author, seq) for the batch; whether another entry may hold it (not past the author's highest seq). */
  private mayEquivocate(node: LogEntry, seqs: Map<string, string[]>): boolean {
    const at = `${node.authorHex}:${node.seq}`
    seqs.set(at, [...(seqs.get(at) ?? []), node.idHex])
    return node.seq <= this.components.index.chains.maxSeq(node.authorHex)
  }

  /** Every id of the entry's author at its seq, when there are several: an equivocation. */
  private async equivocation(entry: Entry, node: LogEntry, seqs: Map<string, string[]>): Promise<string[] | undefined> {
    const inBatch = seqs.get(`${node.authorHex}:${node.seq}`) ?? []
    const stored = (await this.components.store.idsAt(this.components.groupId, entry.author, entry.seq)).map(toHex)
    const others = [...new Set([...stored, ...inBatch])].filter((h) => h !== node.idHex)
    return others.length === 0 ? undefined : [...others, node.idHex]
  }
}

interface BatchState {
  result: AddResult
  stillPending: Set<string>
  accepted: Accepted[]
  /** Author hex + ':' + seq → ids accepted in this batch (not in the store yet). */
  seqs: Map<string, string[]>
  load: StoreLoad | undefined
}

/** What the store keeps beside an accepted entry. */
export function factsOf(node: LogEntry): EntryFacts {
  const facts: EntryFacts = { time: node.time, shownTime: node.shownTime, epoch: node.epochHex, frontier: node.frontier.key }
  if (node.role !== undefined) facts.role = node.role
  if (node.person !== undefined) facts.person = node.person
  if (node.op !== undefined && (node.op.type === 'create' || MEMBERSHIP_TYPES.has(node.op.type))) facts.membership = true
  return facts
}

/** Parents and previous entries the batch names but does not hold. */
function namedOutside(entries: Entry[]): string[] {
  const inBatch = new Set(entries.map((e) => toHex(e.id)))
  const named = new Set<string>()
  for (const e of entries) {
    for (const p of e.parents) named.add(toHex(p))
    if (e.prev !== null) named.add(toHex(e.prev))
  }
  return [...named].filter((h) => !inBatch.has(h))
}
