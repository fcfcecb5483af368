/**
 * Entries this device cannot read yet, by epoch: admitted to the log (every
 * member admits the same entries), kept out of the view until a grant or a
 * key history brings their epoch's key. Each keeps its encoding, to open the
 * body then: the log keeps no other entry's.
 */
import { decodeEntry } from '../codec/entry-codec.ts'
import { type BodyKeys, unseal } from './admission.ts'
import type { LogEntry } from './log-entry.ts'

interface Sealed {
  node: LogEntry
  /** The canonical encoding, holding the body. */
  bytes: Uint8Array
}

export class SealedEntries {
  private readonly byEpoch = new Map<string, Sealed[]>()

  /** Every entry held, epoch by epoch. */
  entries(): LogEntry[] {
    return [...this.byEpoch.values()].flat().map((s) => s.node)
  }

  hold(node: LogEntry, bytes: Uint8Array): void {
    const sealed = { node, bytes: compact(bytes) }
    const list = this.byEpoch.get(node.epochHex)
    if (list === undefined) this.byEpoch.set(node.epochHex, [sealed])
    else list.push(sealed)
  }

  /** Drops the held entries with these ids (their bodies were erased): they will never open. */
  forget(ids: ReadonlySet<string>): void {
    for (const [epoch, list] of this.byEpoch) {
      const kept = list.filter((s) => !ids.has(s.node.idHex))
      if (kept.length === 0) this.byEpoch.delete(epoch)
      else if (kept.length !== list.length) this.byEpoch.set(epoch, kept)
    }
  }

  /** Opens the held entries of these epochs, whose keys just arrived; returns those now readable. */
  open(epochs: string[], body: BodyKeys): LogEntry[] {
    const opened: LogEntry[] = []
    for (const epoch of epochs) {
      const list = this.byEpoch.get(epoch)
      if (list === undefined) continue
      this.byEpoch.delete(epoch)
      for (const { node, bytes } of list) {
        const entry = decodeEntry(bytes)
        if (unseal(node, entry.body, entry, body)) opened.push(node)
      }
    }
    return opened
  }
}

/** The bytes on their own buffer, so a held entry does not pin the whole network frame it arrived in. */
function compact(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength ? bytes : bytes.slice()
}
