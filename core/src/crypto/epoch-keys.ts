/**
 * The group keys this device holds, by epoch. The first epoch's key comes
 * from the group secret (so every invite link holder has it): it opens
 * membership operations, and messages only where an older version wrote
 * them. Message keys arrive in grants (rekey and remove entries) and in the
 * key histories those carry. It also remembers which
 * epochs each epoch's history covers, so a new history need only carry the
 * epochs no other covers.
 */
import { fromHex, toHex } from '../codec/hex.ts'
import type { EpochKeyRecord } from './epoch-grant.ts'
import { firstEpochKey } from './group-keys.ts'

export class EpochKeys {
  private readonly keys = new Map<string, Uint8Array>()
  private readonly covers = new Map<string, string[]>()

  constructor(secret: Uint8Array) {
    this.keys.set('', firstEpochKey(secret))
  }

  get(epoch: Uint8Array): Uint8Array | undefined {
    return this.keys.get(toHex(epoch))
  }

  getHex(epochHex: string): Uint8Array | undefined {
    return this.keys.get(epochHex)
  }

  has(epochHex: string): boolean {
    return this.keys.has(epochHex)
  }

  /** Records a key; returns whether it was new. */
  add(epochHex: string, key: Uint8Array): boolean {
    if (this.keys.has(epochHex)) return false
    this.keys.set(epochHex, key)
    return true
  }

  /** Records which epochs the history of `epochHex` holds. */
  setCovers(epochHex: string, covered: string[]): void {
    this.covers.set(epochHex, covered)
  }

  /** The held epochs (other than the first) that no held epoch's history covers: what a new history must carry. */
  leaves(): EpochKeyRecord[] {
    const covered = new Set([...this.covers.values()].flat())
    return [...this.keys].filter(([epoch]) => epoch !== '' && !covered.has(epoch)).map(([epoch, key]) => ({ epoch: fromHex(epoch), key }))
  }
}
