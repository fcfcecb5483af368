/**
 * Fetching blobs from several peers at once: the ids wanted are shared out
 * among the members (and relays) that can be asked, a few at a time per
 * peer, each answer checked against the id it names before it is kept. A
 * peer that sends a blob that is not what its name says is dropped for the
 * rest of the fetch and what it was asked goes to the others; one that
 * lacks a blob leaves it to the others. Blobs held already are never asked
 * for, so a fetch that stopped resumes where it was.
 */
import type { Stream } from '@libp2p/interface'
import { equals } from 'uint8arrays/equals'
import { toHex } from '../codec/hex.ts'
import { BlobRefusedError, FileUnavailableError } from './blob-errors.ts'
import { receiveBlobs } from './blob-exchange.ts'
import { blobId } from './blob-format.ts'
import { MAX_IDS_PER_REQUEST } from './blob-frames.ts'
import type { BlobStore } from './blob-store.ts'
import type { PieceBuffers } from './piece-buffers.ts'

/** Requests in flight per peer. */
const WORKERS_PER_PEER = 4
/** Blobs asked per request: ~4 MB of pieces (4 × 16 in flight per peer: a window of file-reading.ts, measured best among 2–8 × 4–16). */
const IDS_PER_ASK = MAX_IDS_PER_REQUEST
/** Rounds over the peers before giving up on what none of them gave. */
const MAX_ROUNDS = 4

export interface BlobFetching {
  store: BlobStore
  group: Uint8Array
  /** What may name the group in a request to this peer, tried in order: its sync tag for a member, its mailbox tags for a relay. */
  tagsFor(peer: string): Uint8Array[]
  /** Opens a blob-protocol stream to a peer. */
  open(peer: string, signal?: AbortSignal): Promise<Stream>
  signal?: AbortSignal
  /** Buffers the pieces arrive in, reused from one to the next (a piece is not kept in memory once stored). */
  buffers?: PieceBuffers
  /** A blob was fetched and kept. */
  onBlob?: (id: Uint8Array, bytes: number) => void
}

export interface FetchReport {
  /** Peers dropped for sending a blob that was not what they said. */
  dropped: string[]
}

export async function fetchBlobs(ids: readonly Uint8Array[], peers: readonly string[], f: BlobFetching): Promise<FetchReport> {
  const dropped = new Set<string>()
  const unreachable = new Set<string>()
  /** Peer → which of its tags is tried now. */
  const tagAt = new Map<string, number>()
  /** Id hex → peers that said they do not hold it. */
  const lacking = new Map<string, Set<string>>()
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const held = await f.store.has(f.group, [...ids])
    const queue = ids.filter((_, i) => !held[i])
    if (queue.length === 0) return { dropped: [...dropped] }
    const askable = peers.filter((p) => !dropped.has(p) && !unreachable.has(p))
    const anyoneMayHave = queue.some((id) => askable.some((p) => lacking.get(toHex(id))?.has(p) !== true))
    if (!anyoneMayHave) break
    const take = (peer: string): Uint8Array[] => {
      const batch: Uint8Array[] = []
      for (let i = 0; i < queue.length && batch.length < IDS_PER_ASK; ) {
        const id = queue[i] as Uint8Array
        if (lacking.get(toHex(id))?.has(peer) === true) i++
        else batch.push(...queue.splice(i, 1))
      }
      return batch
    }
    const worker = async (peer: string): Promise<void> => {
      for (;;) {
        f.signal?.throwIfAborted()
        if (dropped.has(peer) || unreachable.has(peer)) return
        const batch = take(peer)
        if (batch.length === 0) return
        // answers are taken one by one as they arrive: checked against their names and kept while young
        const settled = new Set<Uint8Array>()
        let damaged = false
        let failed: { err: unknown } | undefined
        try {
          const tags = f.tagsFor(peer)
          const stream = await f.open(peer, f.signal)
          await receiveBlobs(
            stream,
            { tag: tags[tagAt.get(peer) ?? 0] as Uint8Array, ids: batch },
            async (id, bytes) => {
              if (bytes === undefined) {
                settled.add(id)
                lackedBy(lacking, id).add(peer)
                queue.push(id)
                return
              }
              if (!equals(await blobId(bytes), id)) {
                damaged = true
                throw new BlobRefusedError('the peer sent a blob that is not what its name says')
              }
              try {
                await f.store.put(f.group, id, bytes)
              } catch (err) {
                failed = { err }
                throw err
              }
              settled.add(id)
              f.onBlob?.(id, bytes.byteLength)
            },
            { ...(f.signal === undefined ? {} : { signal: f.signal }), ...(f.buffers === undefined ? {} : { buffers: f.buffers }) }
          )
        } catch (err) {
          f.signal?.throwIfAborted()
          // this device could not keep a piece (its room for files is full): no other peer changes that
          if (failed !== undefined) throw failed.err
          if (damaged) {
            // a blob that is not what its name says: this peer is not asked again; what it sent before was checked, and kept
            dropped.add(peer)
            queue.push(...batch.filter((id) => !settled.has(id)))
            return
          }
          queue.push(...batch.filter((id) => !settled.has(id)))
          // refused: a relay may know the group by an earlier tag, tried next
          const next = (tagAt.get(peer) ?? 0) + 1
          if ((err as Error).name === 'BlobRefusedError' && next < f.tagsFor(peer).length) {
            tagAt.set(peer, next)
            continue
          }
          // refused under every tag (not a member, as it sees it) or not reached: not asked again in this fetch
          unreachable.add(peer)
          return
        }
      }
    }
    await Promise.all(askable.flatMap((peer) => Array.from({ length: WORKERS_PER_PEER }, () => worker(peer))))
  }
  const held = await f.store.has(f.group, [...ids])
  const missing = ids.filter((_, i) => !held[i]).length
  if (missing === 0) return { dropped: [...dropped] }
  if (peers.length === 0) {
    throw new FileUnavailableError(
      `no member of the group is connected now to give the file's ${missing} missing piece${missing === 1 ? '' : 's'}; try again when its sender, or a member who has it, is online`
    )
  }
  throw new FileUnavailableError(
    `${missing} of the file's ${ids.length} pieces are held by no one reachable now (asked ${peers.length} peer${peers.length === 1 ? '' : 's'}${dropped.size > 0 ? `, ${dropped.size} dropped for sending damaged pieces` : ''}); try again when its sender, or a member who has it, is online — what arrived is kept`
  )
}

function lackedBy(lacking: Map<string, Set<string>>, id: Uint8Array): Set<string> {
  const hex = toHex(id)
  let set = lacking.get(hex)
  if (set === undefined) {
    set = new Set()
    lacking.set(hex, set)
  }
  return set
}
