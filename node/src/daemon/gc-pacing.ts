/**
 * How often V8 runs full collections while files stream through the daemon.
 *
 * A file's pieces pass through new buffers (socket reads, Noise's frames,
 * the pieces themselves), hundreds of megabytes a second of memory outside
 * V8's heap that its young-generation pass frees within milliseconds. V8
 * 13.6 (Node 24) by default counts every byte of such memory allocated
 * since the last full collection against the old generation's headroom —
 * about 10 MB in a daemon whose heap is ~25 MB — so a daemon moving a
 * file at 60 MB/s ran a full collection every few megabytes, and its
 * concurrent marking was the largest cost of both the sender and the
 * reader (test/bench/RESULTS.md, "files"). V8's
 * `--external-memory-accounted-in-global-limit` counts that memory in a
 * limit of its own, computed with it at each collection ("historic
 * behaviour" is V8's own word for the default); set at start, before any
 * file moves.
 */
import { setFlagsFromString } from 'node:v8'

let paced = false

/** Counts memory outside V8's heap apart from the old generation's headroom, for as long as the process lives. */
export function paceFullCollections(): void {
  if (paced) return
  setFlagsFromString('--external-memory-accounted-in-global-limit')
  paced = true
}
