/**
 * Gossip arrives one message at a time, but checking and storing entries one
 * by one costs a signature check and a store commit each. The batcher holds
 * the entries of a group that arrive in the same turn of the event loop and
 * adds them together: one batch verification (an author's chain needs one
 * signature check per batch) and one store write. Each message still gets its
 * own verdict for gossipsub.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { toHex } from '../codec/hex.ts'
import type { GroupLog } from '../log/group-log.ts'

export type GossipVerdict = 'accept' | 'reject' | 'ignore'

export interface GossipOutcome {
  verdict: GossipVerdict
  /** Whether the entry waits for parents this peer lacks. */
  pending: boolean
  error?: Error
}

/** Flush a batch once it holds this many entries, whatever the turn. */
const MAX_BATCH = 512

interface Waiting {
  bytes: Uint8Array
  idHex: string
  resolve: (outcome: GossipOutcome) => void
}

export class GossipBatcher {
  private readonly batches = new Map<GroupLog, Waiting[]>()

  submit(group: GroupLog, bytes: Uint8Array): Promise<GossipOutcome> {
    return new Promise((resolve) => {
      let batch = this.batches.get(group)
      if (batch === undefined) {
        batch = []
        this.batches.set(group, batch)
        nextTurn(() => this.flush(group))
      }
      batch.push({ bytes, idHex: toHex(sha256(bytes)), resolve })
      if (batch.length >= MAX_BATCH) this.flush(group)
    })
  }

  private flush(group: GroupLog): void {
    const batch = this.batches.get(group)
    if (batch === undefined) return
    this.batches.delete(group)
    group
      .add(
        batch.map((w) => w.bytes),
        { source: 'gossip' }
      )
      .then(
        (result) => {
          const added = new Set(result.added.map((e) => e.idHex))
          const rejected = new Map(result.rejected.map((r) => [r.id, r.error]))
          for (const w of batch) w.resolve(verdictOf(w.idHex, added, rejected, group))
        },
        (error: Error) => {
          // the store failed: nothing was added; ignore (no score penalty for the sender), sync will retry
          for (const w of batch) w.resolve({ verdict: 'ignore', pending: false, error })
        }
      )
  }
}

function verdictOf(idHex: string, added: Set<string>, rejected: Map<string | undefined, Error>, group: GroupLog): GossipOutcome {
  if (added.has(idHex)) return { verdict: 'accept', pending: false }
  if (group.isPending(idHex)) return { verdict: 'accept', pending: true }
  const error = rejected.get(idHex)
  if (error === undefined && group.get(idHex) !== undefined) return { verdict: 'ignore', pending: false }
  // not added, not waiting, not held: it was rejected (entries that do not decode have no id to match)
  return { verdict: 'reject', pending: false, error: error ?? rejected.get(undefined) ?? new Error('entry was not accepted') }
}

/** setImmediate where there is one (Node), else the next macrotask (browsers). */
function nextTurn(fn: () => void): void {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => void }).setImmediate
  if (immediate !== undefined) immediate(fn)
  else setTimeout(fn, 0)
}
