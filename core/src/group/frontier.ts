/**
 * The membership operations in an entry's causal past, and the state they
 * make. Most entries share their parents' frontier object; a new one is made
 * only by a membership operation or where branches with different
 * membership histories merge, so the cost follows membership changes, not
 * messages.
 */
import type { CreateGroupOperation } from '../chat/operations.ts'
import { compareOrder } from '../log/order.ts'
import type { MembershipOperation } from './membership-operations.ts'
import { type EntryRef, type EpochInfo, MembershipState } from './membership-state.ts'

export interface MembershipEntry {
  ref: EntryRef
  op: MembershipOperation
  /** The epoch a rekey or removal made, as granted where it was written. */
  epoch?: EpochInfo
}

export class Frontier {
  readonly genesis: { ref: EntryRef; op: CreateGroupOperation }
  /** Membership operations after the genesis, in entry order. */
  readonly ops: readonly MembershipEntry[]
  readonly state: MembershipState
  /**
   * The frontier's tips: the hex ids of its membership operations no other
   * of them has in its causal past (the genesis alone, before any). Usually
   * one; several where divergent membership histories merged. The frontier
   * is the merge of its tips' own frontiers, so the tips name it: they are
   * its key, stored with each entry (EntryFacts.frontier).
   */
  readonly tips: readonly string[]
  private ids?: Set<string>

  private constructor(genesis: Frontier['genesis'], ops: readonly MembershipEntry[], state: MembershipState, tips: readonly string[]) {
    this.genesis = genesis
    this.ops = ops
    this.state = state
    this.tips = tips
  }

  static start(ref: EntryRef, op: CreateGroupOperation): Frontier {
    return new Frontier({ ref, op }, [], MembershipState.genesis(ref, op), [ref.idHex])
  }

  /** This frontier plus an operation that sorts after all of it (a child's clock exceeds its ancestors'). */
  extend(entry: MembershipEntry, state: MembershipState): Frontier {
    return new Frontier(this.genesis, [...this.ops, entry], state, [entry.ref.idHex])
  }

  /** The tips' ids (hex, sorted) joined by ',': stored with each entry to name the frontier it stands on. */
  get key(): string {
    return this.tips.join(',')
  }

  has(idHex: string): boolean {
    if (this.ids === undefined) this.ids = new Set(this.ops.map((o) => o.ref.idHex))
    return this.ids.has(idHex)
  }

  contains(other: Frontier): boolean {
    return other === this || (other.ops.length <= this.ops.length && other.ops.every((o) => this.has(o.ref.idHex)))
  }

  /** The frontier of an entry with these parents' frontiers. */
  static merge(frontiers: Frontier[]): Frontier {
    const [first, ...rest] = frontiers
    if (first === undefined) throw new RangeError('merge needs at least one frontier')
    if (rest.every((f) => f === first)) return first
    const largest = frontiers.reduce((a, b) => (b.ops.length > a.ops.length ? b : a))
    if (frontiers.every((f) => largest.contains(f))) return largest
    const byId = new Map<string, MembershipEntry>()
    for (const f of frontiers) for (const o of f.ops) byId.set(o.ref.idHex, o)
    const ops = [...byId.values()].sort((a, b) => compareOrder(a.ref, b.ref))
    return new Frontier(first.genesis, ops, MembershipState.fold(first.genesis, ops), mergedTips(frontiers))
  }
}

/** The tips of a merge: each frontier's tips that no other frontier of the merge has below its own tips. */
function mergedTips(frontiers: readonly Frontier[]): string[] {
  const tips = new Set<string>()
  for (const f of frontiers) {
    for (const t of f.tips) {
      // below another's tips: an operation of it that is not one of its tips, or the genesis once any operation followed
      const below = frontiers.some((g) => (g.has(t) && !g.tips.includes(t)) || (t === g.genesis.ref.idHex && g.ops.length > 0))
      if (!below) tips.add(t)
    }
  }
  return [...tips].sort()
}
