/**
 * What an open log keeps in memory of its accepted entries: how many there
 * are, the heads, each author's tip, the distinct frontiers entries stand
 * on, and the most recent entries. Everything else is in the store: `load`
 * reads back the facts of older entries a late child names (Store.getFacts).
 * No checks here: admission decides what enters; this keeps it findable.
 */
import { compare } from 'uint8arrays/compare'
import { fromHex, toHex } from '../codec/hex.ts'
import { MAX_PARENTS, RECENT_ENTRIES } from '../constants.ts'
import { Frontier } from '../group/frontier.ts'
import type { StoredFacts } from '../store/store.ts'
import { AuthorTips } from './author-tips.ts'
import type { LogEntry } from './log-entry.ts'
import { compareOrder } from './order.ts'

/** What an entry read back from the store is, by its facts, whatever form the reader keeps it in. */
export function entryFieldsOf(f: StoredFacts) {
  return {
    id: f.id,
    idHex: toHex(f.id),
    authorHex: toHex(f.author),
    seq: f.seq,
    clock: f.clock,
    time: f.time,
    shownTime: f.shownTime,
    epochHex: f.epoch,
    role: f.role,
    ...(f.person === undefined ? {} : { person: f.person })
  }
}

/** Reads the facts of stored entries (the log's store, for its group). */
export type FactsReader = (ids: Uint8Array[]) => Promise<Array<StoredFacts | undefined>>

export class EntryIndex {
  private count = 0
  private readonly headNodes = new Map<string, LogEntry>()
  /** Insertion order is age: the first key is the oldest. */
  private readonly recent = new Map<string, LogEntry>()
  /**
   * The batch being added: its accepted entries (not in the store until the
   * batch is) and those read back for it. Kept until it is done (`release`),
   * whatever the recent ones do.
   */
  private readonly batch = new Map<string, LogEntry>()
  private readonly frontiers = new Map<string, Frontier>()
  private readonly readFacts: FactsReader
  private readonly recentLimit: number
  readonly chains = new AuthorTips()

  constructor(readFacts: FactsReader, recentLimit = RECENT_ENTRIES) {
    this.readFacts = readFacts
    this.recentLimit = recentLimit
  }

  get size(): number {
    return this.count
  }

  /** An entry held in memory (recent, a head, or loaded for the batch being added); see `load` for the others. */
  get(idHex: string): LogEntry | undefined {
    return this.recent.get(idHex) ?? this.headNodes.get(idHex) ?? this.batch.get(idHex)
  }

  has(idHex: string): boolean {
    return this.get(idHex) !== undefined
  }

  /**
   * Keeps the entries among `idHexes` in memory until `release`: those held
   * now, and those stored but not in memory, read back (without their
   * operation: admission and ordering need only their facts); returns the
   * ids that are not held at all. Held ones are kept too: a batch of more
   * than RECENT_ENTRIES pushes them out of the recent ones while it is
   * accepted, and its shown times are capped after that (shown-times.ts),
   * which would read each of them back from the store one at a time.
   */
  async load(idHexes: Iterable<string>): Promise<string[]> {
    const wanted: string[] = []
    for (const idHex of new Set(idHexes)) {
      const held = this.get(idHex)
      if (held === undefined) wanted.push(idHex)
      else this.batch.set(idHex, held)
    }
    if (wanted.length === 0) return []
    const facts = await this.readFacts(wanted.map((h) => fromHex(h)))
    const absent: string[] = []
    facts.forEach((f, i) => {
      const node = f === undefined ? undefined : this.nodeOf(f)
      if (node === undefined) absent.push(wanted[i] as string)
      else this.batch.set(node.idHex, node)
    })
    return absent
  }

  /** Forgets the entries of a batch that is done: stored, and read back from there when needed. */
  release(): void {
    this.batch.clear()
  }

  /** The one frontier object with this content, registering `frontier` if it is new. */
  frontier(frontier: Frontier): Frontier {
    const known = this.frontiers.get(frontier.key)
    if (known !== undefined) return known
    this.frontiers.set(frontier.key, frontier)
    return frontier
  }

  /**
   * The frontier with this key: one registered, or the merge of its tips'
   * frontiers (each tip a membership entry, registered under its own id once
   * folded); undefined if a tip is unknown here.
   */
  frontierByKey(key: string): Frontier | undefined {
    const known = this.frontiers.get(key)
    if (known !== undefined) return known
    const tips = key.split(',').map((t) => this.frontiers.get(t))
    if (tips.length < 2 || tips.some((t) => t === undefined)) return undefined
    return this.frontier(Frontier.merge(tips as Frontier[]))
  }

  /** Takes the state an opening log read from its store: how many entries, the heads, each author's latest. */
  restore(count: number, heads: readonly LogEntry[], tips: readonly LogEntry[]): void {
    this.count = count
    for (const h of heads) this.headNodes.set(h.idHex, h)
    for (const t of tips) this.chains.record(t)
  }

  /** Adds an entry whose parents are present. */
  insert(node: LogEntry, parentHexes: readonly string[]): void {
    this.count++
    this.remember(node)
    this.batch.set(node.idHex, node)
    for (const p of parentHexes) this.headNodes.delete(p)
    this.headNodes.set(node.idHex, node)
    this.chains.record(node)
  }

  /** Head ids, sorted bytewise. */
  heads(): Uint8Array[] {
    return [...this.headNodes.values()].map((n) => n.id).sort(compare)
  }

  /** Where this author's next entry goes: seq, previous entry, parents (sorted) and clock. */
  next(authorHex: string): { seq: number; prev: Uint8Array | null; parents: Uint8Array[]; clock: number } {
    const prev = this.chains.latest(authorHex)
    const parents = this.chooseParents(prev?.idHex)
    return {
      seq: this.chains.maxSeq(authorHex) + 1,
      prev: prev === undefined ? null : prev.id,
      parents: parents.map((p) => p.id).sort(compare),
      clock: 1 + Math.max(...parents.map((p) => p.clock))
    }
  }

  /** The newest heads, at most MAX_PARENTS, always including the author's previous entry if it is a head. */
  chooseParents(prevHex: string | undefined): LogEntry[] {
    const heads = [...this.headNodes.values()]
    heads.sort((a, b) => compareOrder(b, a))
    const chosen = heads.slice(0, MAX_PARENTS)
    const prev = prevHex === undefined ? undefined : this.headNodes.get(prevHex)
    if (prev !== undefined && !chosen.includes(prev)) chosen[chosen.length - 1] = prev
    return chosen
  }

  private remember(node: LogEntry): void {
    this.recent.delete(node.idHex)
    this.recent.set(node.idHex, node)
    if (this.recent.size > this.recentLimit) this.recent.delete(this.recent.keys().next().value as string)
  }

  /** An entry read back from the store; undefined if its frontier is unknown here (it was never admitted by this log). */
  nodeOf(f: StoredFacts, sealed = false): LogEntry | undefined {
    const frontier = this.frontierByKey(f.frontier)
    if (frontier === undefined) return undefined
    return { ...entryFieldsOf(f), op: undefined, sealed, frontier }
  }
}
