/**
 * The accepted entries of one log as a DAG: by id, in the total order, the
 * heads, and each author's chain. No checks here: admission decides what
 * enters; this keeps it findable.
 */
import { compare } from 'uint8arrays/compare'
import { MAX_PARENTS } from '../constants.ts'
import { AuthorChains, type Equivocation } from './author-chains.ts'
import type { LogEntry } from './log-entry.ts'
import { compareOrder } from './order.ts'

export class EntryIndex {
  private readonly nodes = new Map<string, LogEntry>()
  private readonly ordered: LogEntry[] = []
  private readonly headSet = new Set<string>()
  /**
   * Each entry's parents, kept only to cap shown times. The parent objects
   * themselves, not their hex ids (a second copy of every id), and a lone
   * parent without an array around it: most entries have one.
   */
  private readonly parentNodes = new Map<string, LogEntry | readonly LogEntry[]>()
  readonly chains = new AuthorChains()

  get size(): number {
    return this.nodes.size
  }

  get(idHex: string): LogEntry | undefined {
    return this.nodes.get(idHex)
  }

  has(idHex: string): boolean {
    return this.nodes.has(idHex)
  }

  /** In the total order; the log's own array. */
  entries(): readonly LogEntry[] {
    return this.ordered
  }

  /** Head ids, sorted bytewise. */
  heads(): Uint8Array[] {
    return [...this.headSet].map((h) => (this.nodes.get(h) as LogEntry).id).sort(compare)
  }

  /** Adds an entry whose parents are present; returns the equivocation it reveals, if any. */
  insert(node: LogEntry, parentHexes: readonly string[]): Equivocation | undefined {
    this.nodes.set(node.idHex, node)
    const parents = parentHexes.map((p) => this.nodes.get(p) as LogEntry)
    if (parents.length > 0) this.parentNodes.set(node.idHex, parents.length === 1 ? (parents[0] as LogEntry) : parents)
    this.insertOrdered(node)
    for (const p of parentHexes) this.headSet.delete(p)
    this.headSet.add(node.idHex)
    return this.chains.record(node.authorHex, node.seq, node.idHex)
  }

  /**
   * Lowers the shown time of the entry's ancestors to its own where theirs is
   * later (see LogEntry.shownTime). Parents come before children, so this
   * computes the minimum over all descendants whatever the arrival order;
   * it walks only where times were out of order, usually nowhere.
   */
  capTimes(node: LogEntry): void {
    const work = [...this.parentsOf(node)]
    while (work.length > 0) {
      const parent = work.pop() as LogEntry
      if (parent.shownTime <= node.time) continue
      parent.shownTime = node.time
      work.push(...this.parentsOf(parent))
    }
  }

  /** Where this author's next entry goes: seq, previous entry, parents (sorted) and clock. */
  next(authorHex: string): { seq: number; prev: Uint8Array | null; parents: Uint8Array[]; clock: number } {
    const prevHex = this.chains.latest(authorHex)
    const parents = this.chooseParents(prevHex)
    return {
      seq: this.chains.maxSeq(authorHex) + 1,
      prev: prevHex === undefined ? null : (this.nodes.get(prevHex) as LogEntry).id,
      parents: parents.map((p) => p.id).sort(compare),
      clock: 1 + Math.max(...parents.map((p) => p.clock))
    }
  }

  /** The newest heads, at most MAX_PARENTS, always including the author's previous entry if it is a head. */
  chooseParents(prevHex: string | undefined): LogEntry[] {
    const heads = [...this.headSet].map((h) => this.nodes.get(h) as LogEntry)
    heads.sort((a, b) => compareOrder(b, a))
    const chosen = heads.slice(0, MAX_PARENTS)
    if (prevHex !== undefined && this.headSet.has(prevHex) && !chosen.some((c) => c.idHex === prevHex)) {
      chosen[chosen.length - 1] = this.nodes.get(prevHex) as LogEntry
    }
    return chosen
  }

  private parentsOf(node: LogEntry): readonly LogEntry[] {
    const parents = this.parentNodes.get(node.idHex)
    return parents === undefined ? [] : Array.isArray(parents) ? parents : [parents as LogEntry]
  }

  private insertOrdered(node: LogEntry): void {
    const list = this.ordered
    const last = list[list.length - 1]
    // most entries are newer than everything held: check the end first
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
}
