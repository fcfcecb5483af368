/**
 * Gossip arrives one message at a time, but checking and storing entries one
 * by one costs a signature check and a store commit each. When a group's
 * log is idle, an entry is added at once (no added latency for a quiet
 * conversation); entries that arrive while an add is under way wait and go
 * in together when it ends: one batch verification (an author's chain needs
 * one signature check per batch) and one store write. So batches grow with
 * the load. Each message still gets its own verdict for gossipsub.
 */
import type { Entry } from '../codec/entry-codec.ts'
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
  entry: Entry
  idHex: string
  resolve: (outcome: GossipOutcome) => void
}

export class GossipBatcher {
  /** Entries waiting while an add of their group is under way. */
  private readonly waiting = new Map<GroupLog, Waiting[]>()
  /** Groups with an add under way. */
  private readonly busy = new Set<GroupLog>()

  /** Submits an entry the validator has already decoded (so it is decoded and hashed once). */
  submit(group: GroupLog, decoded: Entry): Promise<GossipOutcome> {
    return new Promise((resolve) => {
      const entry = { entry: decoded, idHex: toHex(decoded.id), resolve }
      if (!this.busy.has(group)) {
        this.run(group, [entry])
        return
      }
      const batch = this.waiting.get(group)
      if (batch === undefined) this.waiting.set(group, [entry])
      else batch.push(entry)
    })
  }

  private run(group: GroupLog, batch: Waiting[]): void {
    this.busy.add(group)
    group
      .add(
        batch.map((w) => w.entry),
        { source: 'gossip' }
      )
      .finally(() => {
        this.busy.delete(group)
        const next = this.waiting.get(group)
        if (next === undefined) return
        this.waiting.delete(group)
        // a very long queue goes in slices, so no single add holds the log for long
        this.run(group, next.splice(0, MAX_BATCH))
        if (next.length > 0) this.waiting.set(group, next)
      })
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
  if (error !== undefined) return { verdict: 'reject', pending: false, error }
  // not added, not waiting, not refused: held already, in memory or only in the store (a duplicate
  // gossipsub's seen cache forgot); the entries come decoded, so every refusal carries its id
  return { verdict: 'ignore', pending: false }
}
