/**
 * Entries that arrived before their parents: held (up to a bound) until what
 * they wait for is accepted. Beyond the bound the oldest are dropped; sync
 * fetches them again once their parents are here.
 */
import type { Entry } from '../codec/entry-codec.ts'
import { fromHex, toHex } from '../codec/hex.ts'
import { MAX_PENDING_ENTRIES } from '../constants.ts'

export class PendingEntries {
  private readonly held = new Map<string, Entry>()
  /** Missing id hex → ids of held entries waiting for it. */
  private readonly waiting = new Map<string, string[]>()
  private readonly limit: number

  constructor(limit = MAX_PENDING_ENTRIES) {
    this.limit = limit
  }

  get size(): number {
    return this.held.size
  }

  has(idHex: string): boolean {
    return this.held.has(idHex)
  }

  hold(entry: Entry, idHex: string, missing: string[]): void {
    if (!this.held.has(idHex)) {
      if (this.held.size >= this.limit) this.held.delete(this.held.keys().next().value as string)
      this.held.set(idHex, entry)
    }
    for (const m of missing) {
      const list = this.waiting.get(m)
      if (list === undefined) this.waiting.set(m, [idHex])
      else if (!list.includes(idHex)) list.push(idHex)
    }
  }

  /** Stops holding an entry (it was accepted or rejected). */
  forget(idHex: string): void {
    this.held.delete(idHex)
  }

  /** The held entries that were waiting for `idHex`, which has now arrived. */
  release(idHex: string): Entry[] {
    const waiters = this.waiting.get(idHex)
    if (waiters === undefined) return []
    this.waiting.delete(idHex)
    return waiters.map((w) => this.held.get(w)).filter((e): e is Entry => e !== undefined)
  }

  /** Ids that held entries wait for. */
  missing(): Uint8Array[] {
    return [...this.waiting.keys()].map((h) => fromHex(h))
  }
}

/** Ids of the parents and previous entry `entry` names that `has` does not know. */
export function missingParents(entry: Entry, has: (idHex: string) => boolean): string[] {
  const missing: string[] = []
  for (const p of entry.parents) {
    const h = toHex(p)
    if (!has(h)) missing.push(h)
  }
  if (entry.prev !== null) {
    const h = toHex(entry.prev)
    if (!has(h) && !missing.includes(h)) missing.push(h)
  }
  return missing
}
