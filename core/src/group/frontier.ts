/**
 * The membership operations in an entry's causal past, and the state they
 * make. Most entries share their parents' frontier object; a new one is made
 * only by a membership operation or where branches with different
 * membership histories merge, so the cost follows membership changes, not
 * messages.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import type { CreateGroupOperation } from '../chat/operations.ts'
import { fromHex, toHex } from '../codec/hex.ts'
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
  private ids?: Set<string>
  private contentKey?: string

  private constructor(genesis: Frontier['genesis'], ops: readonly MembershipEntry[], state: MembershipState) {
    this.genesis = genesis
    this.ops = ops
    this.state = state
  }

  static start(ref: EntryRef, op: CreateGroupOperation): Frontier {
    return new Frontier({ ref, op }, [], MembershipState.genesis(ref, op))
  }

  /** This frontier plus an operation that sorts after all of it (a child's clock exceeds its ancestors'). */
  extend(entry: MembershipEntry, state: MembershipState): Frontier {
    return new Frontier(this.genesis, [...this.ops, entry], state)
  }

  /**
   * Names the frontier by what it holds: '' for the genesis alone, else 32
   * hex digits of the SHA-256 of its operations' ids in order. Stored with
   * each entry (EntryFacts.frontier), so an entry read back from the store
   * finds the frontier object it stands on.
   */
  get key(): string {
    if (this.contentKey === undefined) {
      if (this.ops.length === 0) this.contentKey = ''
      else {
        const ids = new Uint8Array(this.ops.length * 32)
        this.ops.forEach((o, i) => {
          ids.set(fromHex(o.ref.idHex), i * 32)
        })
        this.contentKey = toHex(sha256(ids).subarray(0, 16))
      }
    }
    return this.contentKey
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
    return new Frontier(first.genesis, ops, MembershipState.fold(first.genesis, ops))
  }
}
