/**
 * The keys a device holds for a group, by epoch. The first epoch's key comes
 * from the group secret; later ones arrive in rekey entries.
 */
import { toHex } from '../codec/hex.ts'
import { firstEpochKey } from './group-keys.ts'

export class EpochKeys {
  private readonly keys = new Map<string, Uint8Array>()
  /** Epoch id (hex) new entries are written under; '' is the first epoch. */
  current = ''

  constructor(secret: Uint8Array) {
    this.keys.set('', firstEpochKey(secret))
  }

  get(epoch: Uint8Array): Uint8Array | undefined {
    return this.keys.get(toHex(epoch))
  }

  add(epochHex: string, key: Uint8Array): void {
    this.keys.set(epochHex, key)
  }

  currentKey(): Uint8Array {
    return this.keys.get(this.current) as Uint8Array
  }
}
