/**
 * GroupLog: one group's entries as a hash-linked DAG that merges like a CRDT.
 * Entries are added from any source in any order; those whose parents have
 * not arrived wait, the rest are checked, stored, ordered and applied to the
 * view. Two entries by one author with the same seq are both kept and
 * reported as an equivocation.
 *
 * ```ts
 * const log = await GroupLog.create({ name: 'Climbing', key, store })
 * await log.append({ type: 'message', text: 'Sunday at 10?' })
 * log.view.messages().messages // [{ text: 'Sunday at 10?', ... }]
 * ```
 */
import { TypedEventEmitter } from 'main-event'
import { compare } from 'uint8arrays/compare'
import { equals } from 'uint8arrays/equals'
import type { Operation } from '../chat/operations.ts'
import { GroupView } from '../chat/view.ts'
import { decodeEntry, type Entry } from '../codec/entry-codec.ts'
import { fromHex, shortHex, toHex } from '../codec/hex.ts'
import { MAX_PARENTS } from '../constants.ts'
import { EpochKeys } from '../crypto/epoch-keys.ts'
import { generateGroupSecret, groupTopic, syncAuthKey } from '../crypto/group-keys.ts'
import { GroupNotSyncedError, WrongGroupError } from '../errors.ts'
import type { DeviceKey } from '../identity/device-key.ts'
import { libp2pSignatures, type Signatures } from '../identity/signatures.ts'
import { type Store, storedEntryOf } from '../store/store.ts'
import { AuthorChains, type Equivocation } from './author-chains.ts'
import { verifyBatch } from './batch-verification.ts'
import { checkStructure, openOperation } from './entry-validation.ts'
import { writeEntry } from './entry-writer.ts'
import type { AddOptions, AddResult, GroupLogEvents, LogEntry, Rejection } from './log-entry.ts'
import { compareOrder } from './order.ts'
import { PendingEntries } from './pending-entries.ts'

export type { Equivocation } from './author-chains.ts'
export type { AddOptions, AddResult, EntrySource, GroupLogEvents, LogEntry, Rejection } from './log-entry.ts'

export interface GroupLogInit {
  groupId: Uint8Array
  secret: Uint8Array
  key: DeviceKey
  store: Store
  signatures?: Signatures
  /** Wall clock for entry times; tests inject their own. */
  now?: () => number
}

const LOAD_PAGE = 2000

export class GroupLog extends TypedEventEmitter<GroupLogEvents> {
  readonly id: Uint8Array
  readonly idHex: string
  readonly secret: Uint8Array
  readonly topic: string
  /** Key for proving membership during sync (crypto/group-keys.ts). */
  readonly syncKey: Uint8Array
  readonly view = new GroupView()
  readonly keys: EpochKeys

  private readonly key: DeviceKey
  private readonly store: Store
  private readonly signatures: Signatures
  private readonly now: () => number
  private readonly nodes = new Map<string, LogEntry>()
  private readonly ordered: LogEntry[] = []
  private readonly headSet = new Set<string>()
  private readonly chains = new AuthorChains()
  private readonly pending = new PendingEntries()
  private queue: Promise<unknown> = Promise.resolve()

  private constructor(init: GroupLogInit) {
    super()
    this.id = init.groupId
    this.idHex = toHex(init.groupId)
    this.secret = init.secret
    this.topic = groupTopic(init.secret)
    this.syncKey = syncAuthKey(init.secret)
    this.keys = new EpochKeys(init.secret)
    this.key = init.key
    this.store = init.store
    this.signatures = init.signatures ?? libp2pSignatures()
    this.now = init.now ?? Date.now
  }

  /** Creates a new group: a fresh secret and a signed genesis entry, stored. */
  static async create(init: Omit<GroupLogInit, 'groupId' | 'secret'> & { name: string }): Promise<GroupLog> {
    const secret = generateGroupSecret()
    const signatures = init.signatures ?? libp2pSignatures()
    const keys = new EpochKeys(secret)
    const genesis = await writeEntry(init.key, signatures, {
      group: new Uint8Array(0),
      seq: 1,
      prev: null,
      clock: 1,
      parents: [],
      time: (init.now ?? Date.now)(),
      epoch: new Uint8Array(0),
      op: { type: 'create', name: init.name },
      epochKey: keys.currentKey()
    })
    await init.store.putGroup({ id: genesis.id, secret, name: init.name, addedAt: (init.now ?? Date.now)() })
    const log = new GroupLog({ ...init, signatures, groupId: genesis.id, secret })
    const result = await log.add([genesis], { trusted: true })
    if (result.rejected.length > 0) throw (result.rejected[0] as Rejection).error
    return log
  }

  /** Opens a group known to the store (or joined but still empty) and loads its entries. */
  static async open(init: GroupLogInit): Promise<GroupLog> {
    const log = new GroupLog(init)
    let after: Uint8Array | undefined
    for (;;) {
      const page = await init.store.listEntries(init.groupId, after === undefined ? { limit: LOAD_PAGE } : { after, limit: LOAD_PAGE })
      if (page.length === 0) break
      await log.run(() =>
        log.addNow(
          page.map((p) => p.bytes),
          { trusted: true },
          false
        )
      )
      after = (page[page.length - 1] as { key: Uint8Array }).key
    }
    return log
  }

  get size(): number {
    return this.nodes.size
  }

  get pendingCount(): number {
    return this.pending.size
  }

  has(id: Uint8Array): boolean {
    return this.nodes.has(toHex(id))
  }

  get(idHex: string): LogEntry | undefined {
    return this.nodes.get(idHex)
  }

  /** Entries in the total order. The array is the log's own: do not change it. */
  entries(): readonly LogEntry[] {
    return this.ordered
  }

  /** Ids of the entries no other entry names as a parent, sorted bytewise. */
  heads(): Uint8Array[] {
    return [...this.headSet].map((h) => (this.nodes.get(h) as LogEntry).id).sort(compare)
  }

  /** Highest seq held per author (hex). */
  authorSeqs(): Map<string, number> {
    return this.chains.seqs()
  }

  equivocations(): Equivocation[] {
    return this.chains.equivocations()
  }

  /** Ids that waiting entries name but this log lacks: what to ask peers for. */
  missing(): Uint8Array[] {
    return this.pending.missing()
  }

  /** Adds entries (encoded or decoded) from anywhere; see AddResult for what happened to each. */
  add(input: Array<Uint8Array | Entry>, options: AddOptions = {}): Promise<AddResult> {
    return this.run(() => this.addNow(input, options, true))
  }

  /** Writes an operation as this device: returns once the entry is durable in the store. */
  append(op: Operation): Promise<LogEntry> {
    return this.run(async () => {
      if (this.nodes.size === 0) throw new GroupNotSyncedError()
      const authorHex = toHex(this.key.publicKey)
      const seq = this.chains.maxSeq(authorHex) + 1
      const prevHex = this.chains.latest(authorHex)
      const prev = prevHex === undefined ? null : (this.nodes.get(prevHex) as LogEntry)
      const parents = this.chooseParents(prevHex)
      const entry = await writeEntry(this.key, this.signatures, {
        group: this.id,
        seq,
        prev: prev?.id ?? null,
        clock: 1 + Math.max(...parents.map((p) => p.clock)),
        parents: parents.map((p) => p.id).sort(compare),
        time: this.now(),
        epoch: this.currentEpochId(),
        op,
        epochKey: this.keys.currentKey()
      })
      // durable first: what append resolves with survives a crash
      await this.store.putEntries(this.id, [storedEntryOf(entry)])
      const result = await this.addNow([entry], { trusted: true, source: 'local' }, false)
      const added = result.added[0]
      if (added === undefined) throw result.rejected[0]?.error ?? new Error('own entry was not accepted')
      return added
    })
  }

  private run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work)
    this.queue = next.catch(() => undefined)
    return next
  }

  private async addNow(input: Array<Uint8Array | Entry>, options: AddOptions, persist: boolean): Promise<AddResult> {
    const result: AddResult = { added: [], duplicates: 0, pending: 0, rejected: [], equivocations: [] }
    const fresh: Entry[] = []
    const seen = new Set<string>()
    for (const item of input) {
      let entry: Entry
      try {
        entry = item instanceof Uint8Array ? decodeEntry(item) : item
      } catch (error) {
        result.rejected.push({ error: error as Error })
        continue
      }
      const idHex = toHex(entry.id)
      if (this.nodes.has(idHex) || this.pending.has(idHex) || seen.has(idHex)) {
        result.duplicates++
        continue
      }
      seen.add(idHex)
      const groupError = this.checkGroup(entry)
      if (groupError !== undefined) {
        result.rejected.push({ id: idHex, error: groupError })
        continue
      }
      fresh.push(entry)
    }
    let valid = fresh
    if (options.trusted !== true) {
      const verification = await verifyBatch(fresh, this.signatures)
      for (const bad of verification.invalid) result.rejected.push({ id: toHex(bad.entry.id), error: bad.error })
      valid = verification.valid
    }
    // clock order puts parents before children, so most entries find their parents present
    valid.sort((a, b) => a.clock - b.clock)
    const stillPending = new Set<string>()
    const accepted: Entry[] = []
    for (const entry of valid) this.accept(entry, result, stillPending, accepted)
    result.pending = stillPending.size
    if (persist && accepted.length > 0) await this.store.putEntries(this.id, accepted.map(storedEntryOf))
    if (result.added.length > 0) this.safeDispatchEvent('entries', { detail: { entries: result.added, source: options.source ?? 'import' } })
    for (const e of result.equivocations) this.safeDispatchEvent('equivocation', { detail: e })
    return result
  }

  private checkGroup(entry: Entry): Error | undefined {
    if (entry.group.byteLength === 0) {
      if (!equals(entry.id, this.id)) {
        return new WrongGroupError(`entry ${shortHex(entry.id)} is the first entry of another group, not of ${shortHex(this.id)}`)
      }
    } else if (!equals(entry.group, this.id)) {
      return new WrongGroupError(`entry ${shortHex(entry.id)} belongs to group ${shortHex(entry.group)}, not ${shortHex(this.id)}`)
    }
    return undefined
  }

  /** Accepts the entry if its predecessors are present, then whatever was waiting on it. */
  private accept(first: Entry, result: AddResult, stillPending: Set<string>, accepted: Entry[]): void {
    const work = [first]
    while (work.length > 0) {
      const entry = work.pop() as Entry
      const idHex = toHex(entry.id)
      if (this.nodes.has(idHex)) continue
      const missing = this.missingFor(entry)
      if (missing.length > 0) {
        this.pending.hold(entry, idHex, missing)
        stillPending.add(idHex)
        continue
      }
      this.pending.forget(idHex)
      stillPending.delete(idHex)
      try {
        result.added.push(this.insert(entry, idHex, result))
        accepted.push(entry)
      } catch (error) {
        result.rejected.push({ id: idHex, error: error as Error })
        continue
      }
      work.push(...this.pending.release(idHex))
    }
  }

  private missingFor(entry: Entry): string[] {
    const missing: string[] = []
    for (const p of entry.parents) {
      const h = toHex(p)
      if (!this.nodes.has(h)) missing.push(h)
    }
    if (entry.prev !== null) {
      const h = toHex(entry.prev)
      if (!this.nodes.has(h) && !missing.includes(h)) missing.push(h)
    }
    return missing
  }

  private insert(entry: Entry, idHex: string, result: AddResult): LogEntry {
    const authorHex = toHex(entry.author)
    const prevNode = entry.prev === null ? undefined : (this.nodes.get(toHex(entry.prev)) as LogEntry)
    checkStructure(entry, authorHex, {
      parentClocks: entry.parents.map((p) => (this.nodes.get(toHex(p)) as LogEntry).clock),
      ...(prevNode === undefined ? {} : { prev: prevNode })
    })
    const op = openOperation(entry, this.keys)
    const node: LogEntry = {
      id: entry.id,
      idHex,
      authorHex,
      seq: entry.seq,
      clock: entry.clock,
      time: entry.time,
      op,
      bytes: compact(entry.bytes)
    }
    this.nodes.set(idHex, node)
    this.insertOrdered(node)
    for (const p of entry.parents) this.headSet.delete(toHex(p))
    this.headSet.add(idHex)
    this.recordSeq(node, result)
    this.view.apply(node)
    return node
  }

  private recordSeq(node: LogEntry, result: AddResult): void {
    const equivocation = this.chains.record(node.authorHex, node.seq, node.idHex)
    if (equivocation !== undefined) result.equivocations.push(equivocation)
  }

  private insertOrdered(node: LogEntry): void {
    const list = this.ordered
    const last = list[list.length - 1]
    if (last === undefined || compareOrder(last, node) < 0) {
      list.push(node)
      return
    }
    let lo = 0
    let hi = list.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (compareOrder(list[mid] as LogEntry, node) < 0) lo = mid + 1
      else hi = mid
    }
    list.splice(lo, 0, node)
  }

  /** The newest heads, at most MAX_PARENTS, always including this author's previous entry if it is a head. */
  private chooseParents(prevHex: string | undefined): LogEntry[] {
    const heads = [...this.headSet].map((h) => this.nodes.get(h) as LogEntry)
    heads.sort((a, b) => compareOrder(b, a))
    const chosen = heads.slice(0, MAX_PARENTS)
    if (prevHex !== undefined && this.headSet.has(prevHex) && !chosen.some((c) => c.idHex === prevHex)) {
      chosen[chosen.length - 1] = this.nodes.get(prevHex) as LogEntry
    }
    return chosen
  }

  private currentEpochId(): Uint8Array {
    return fromHex(this.keys.current)
  }
}

/** The bytes on their own buffer, so a kept entry does not pin the whole network frame it arrived in. */
function compact(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength ? bytes : bytes.slice()
}
