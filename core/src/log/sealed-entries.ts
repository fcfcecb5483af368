/**
 * Entries this device cannot read yet, by epoch: admitted to the log (every
 * member admits the same entries), kept out of the view until a grant or a
 * key history brings their epoch's key.
 */
import { decodeEntry } from '../codec/entry-codec.ts'
import { type BodyKeys, unseal } from './admission.ts'
import type { LogEntry } from './log-entry.ts'

export class SealedEntries {
  private readonly byEpoch = new Map<string, LogEntry[]>()

  /** Every entry held, epoch by epoch. */
  entries(): LogEntry[] {
    return [...this.byEpoch.values()].flat()
  }

  hold(node: LogEntry): void {
    const list = this.byEpoch.get(node.epochHex)
    if (list === undefined) this.byEpoch.set(node.epochHex, [node])
    else list.push(node)
  }

  /** Opens the held entries of these epochs, whose keys just arrived; returns those now readable. */
  open(epochs: string[], body: BodyKeys): LogEntry[] {
    const opened: LogEntry[] = []
    for (const epoch of epochs) {
      const list = this.byEpoch.get(epoch)
      if (list === undefined) continue
      this.byEpoch.delete(epoch)
      for (const node of list) {
        const entry = decodeEntry(node.bytes)
        if (unseal(node, entry.body, entry, body)) opened.push(node)
      }
    }
    return opened
  }
}
