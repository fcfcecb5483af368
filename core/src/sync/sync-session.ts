/**
 * One sync session between two peers for one group, as a message-in /
 * messages-out machine: `start()` gives the first frames, `receive(frame)`
 * the answers to one frame. The libp2p stream adapter (sync-stream.ts) and
 * the seeded simulation both drive it.
 *
 * Sequence: hello (initiator names the group by its tag) → welcome (the
 * responder's proof) → proof (the initiator's), then ranges back and forth
 * (reconciler.ts); each side pushes the entries the other lacks, announced by
 * an `incoming` count, and ends with `done`. The receiver answers each
 * entries frame with `taken` (or `refuse`, saying why), and a side that
 * pushed ends only once all it pushed is taken: a sender knows its peer
 * holds what it sent. Nothing of the group is sent before the other side
 * has proved it holds the group secret.
 */

import type { PreparedBatch } from '../log/batch-intake.ts'
import type { GroupLog } from '../log/group-log.ts'
import { ENTRIES_FRAME_BYTES, SYNC_VERSION, type SyncFrame } from './frames.ts'
import { checkProof, membershipProof, newNonce, type ProofContext, syncTag } from './membership-proof.ts'
import type { Bucket } from './order-buckets.ts'
import { Reconciler, type ReconcilerOptions } from './reconciler.ts'
import { StoreRanges } from './store-ranges.ts'
import { InvalidSyncEntriesError, MalformedSyncFrameError, MembershipProofError, SyncRefusedError } from './sync-errors.ts'
import type { SyncedLog } from './synced-log.ts'

export interface SyncProgress {
  /** Entries received so far. */
  received: number
  /** Entries announced by the other side (grows as reconciliation finds more). */
  expected: number
  /** Entries sent to the other side. */
  sent: number
}

export interface SyncSessionInit<L extends SyncedLog = GroupLog> {
  role: 'initiator' | 'responder'
  localPeer: string
  remotePeer: string
  /** The group to sync (initiator). */
  log?: L
  /** Finds a group by its sync tag (responder). */
  findGroup?: (tag: Uint8Array) => L | undefined
  onProgress?: (progress: SyncProgress) => void
  reconciler?: ReconcilerOptions
}

type State = 'await-hello' | 'await-welcome' | 'await-proof' | 'reconciling' | 'finished'

export class SyncSession<L extends SyncedLog = GroupLog> {
  readonly role: 'initiator' | 'responder'
  readonly progress: SyncProgress = { received: 0, expected: 0, sent: 0 }
  /** Entries this session added to the log. */
  added = 0
  /** Ranges frames exchanged. */
  rounds = 0
  /** Why this side ended the session, after telling the peer in a refuse frame. */
  failure: Error | undefined
  private state: State
  private log: L | undefined
  private reconciler: Reconciler | undefined
  private readonly init: SyncSessionInit<L>
  private nonces: { initiator?: Uint8Array; responder?: Uint8Array } = {}
  private localDone = false
  private remoteDone = false
  /** Entries the peer has said it took, of those this side pushed (progress.sent). */
  private taken = 0
  /** Entries frames read ahead, their first look begun (anticipate). */
  private readonly prepared = new WeakMap<SyncFrame, PreparedBatch>()

  constructor(init: SyncSessionInit<L>) {
    this.init = init
    this.role = init.role
    this.log = init.log
    this.state = init.role === 'initiator' ? 'await-welcome' : 'await-hello'
    if (init.role === 'initiator' && init.log === undefined) throw new TypeError('an initiating sync session needs the group log')
    if (init.role === 'responder' && init.findGroup === undefined) throw new TypeError('a responding sync session needs findGroup')
  }

  get group(): L | undefined {
    return this.log
  }

  get finished(): boolean {
    return this.state === 'finished'
  }

  start(): SyncFrame[] {
    if (this.role === 'responder') return []
    this.nonces.initiator = newNonce()
    return [{ type: 'hello', version: SYNC_VERSION, tag: syncTag((this.log as L).syncKey), nonce: this.nonces.initiator }]
  }

  /**
   * A frame that came while the one before is still being answered: entries
   * begin their first look (decoding, signature checks on another thread)
   * now, so it overlaps the batch before rather than following it.
   */
  anticipate(frame: SyncFrame): void {
    if (this.state !== 'reconciling' || frame.type !== 'entries' || this.log?.prepare === undefined) return
    this.prepared.set(frame, this.log.prepare(frame.entries))
  }

  /** The answers to one frame of the peer; frames are taken one at a time, each after the answer to the one before. */
  async receive(frame: SyncFrame): Promise<SyncFrame[]> {
    if (frame.type === 'refuse') {
      this.state = 'finished'
      throw new SyncRefusedError(`the peer refused to sync: ${frame.reason}`)
    }
    switch (this.state) {
      case 'await-hello':
        return this.onHello(frame)
      case 'await-welcome':
        return this.onWelcome(frame)
      case 'await-proof':
        return this.onProof(frame)
      case 'reconciling':
        return this.onReconcile(frame)
      case 'finished':
        throw new MalformedSyncFrameError(`the peer sent a ${frame.type} frame after the session ended`)
    }
  }

  private onHello(frame: SyncFrame): SyncFrame[] {
    if (frame.type !== 'hello') throw new MalformedSyncFrameError(`expected hello, got ${frame.type}`)
    if (frame.version !== SYNC_VERSION) {
      this.state = 'finished'
      return [{ type: 'refuse', reason: `sync version ${frame.version} is not supported (this peer speaks ${SYNC_VERSION})` }]
    }
    this.log = this.init.findGroup?.(frame.tag)
    if (this.log === undefined) {
      this.state = 'finished'
      return [{ type: 'refuse', reason: 'unknown group' }]
    }
    this.nonces = { initiator: frame.nonce, responder: newNonce() }
    this.state = 'await-proof'
    return [{ type: 'welcome', nonce: this.nonces.responder as Uint8Array, proof: membershipProof('responder', this.proofContext()) }]
  }

  private async onWelcome(frame: SyncFrame): Promise<SyncFrame[]> {
    if (frame.type !== 'welcome') throw new MalformedSyncFrameError(`expected welcome, got ${frame.type}`)
    this.nonces.responder = frame.nonce
    if (!checkProof('responder', this.proofContext(), frame.proof)) {
      this.state = 'finished'
      throw new MembershipProofError('the peer answered as a member of the group but could not prove it holds the group secret')
    }
    this.state = 'reconciling'
    this.reconciler = this.newReconciler()
    this.rounds++
    return [
      { type: 'proof', proof: membershipProof('initiator', this.proofContext()) },
      { type: 'ranges', ranges: await this.reconciler.initiate() }
    ]
  }

  private onProof(frame: SyncFrame): SyncFrame[] {
    if (frame.type !== 'proof') throw new MalformedSyncFrameError(`expected proof, got ${frame.type}`)
    if (!checkProof('initiator', this.proofContext(), frame.proof)) {
      this.state = 'finished'
      throw new MembershipProofError('the peer asked to sync a group but could not prove it holds the group secret')
    }
    this.state = 'reconciling'
    this.reconciler = this.newReconciler()
    return []
  }

  private async onReconcile(frame: SyncFrame): Promise<SyncFrame[]> {
    const log = this.log as L
    switch (frame.type) {
      case 'ranges': {
        if (this.localDone) throw new MalformedSyncFrameError('the peer sent ranges after reconciliation ended')
        this.rounds++
        const step = await (this.reconciler as Reconciler).receive(frame.ranges)
        const out: SyncFrame[] = []
        if (step.reply.length > 0) {
          out.push({ type: 'ranges', ranges: step.reply })
          this.rounds++
        }
        out.push(...(await this.push(step.push)))
        if (!step.needsAnswer) {
          this.localDone = true
          out.push({ type: 'done' })
          this.finishIfDone()
        }
        return out
      }
      case 'incoming':
        this.progress.expected += frame.count
        this.report()
        return []
      case 'entries': {
        const prepared = this.prepared.get(frame)
        this.prepared.delete(frame)
        const result = await log.add(frame.entries, prepared === undefined ? { source: 'sync' } : { source: 'sync', prepared })
        this.progress.received += frame.entries.length
        this.added += result.added.length
        this.report()
        if (result.rejected.length > 0) {
          // the peer is told why in a refuse frame; the session ends with the error on this side
          this.state = 'finished'
          const first = result.rejected[0]?.error as Error
          this.failure = new InvalidSyncEntriesError(
            `the peer sent ${result.rejected.length} invalid entries (first: ${first.name}: ${first.message})`
          )
          return [{ type: 'refuse', reason: `${result.rejected.length} of your entries were refused: ${first.message}`.slice(0, 500) }]
        }
        return [{ type: 'taken', count: frame.entries.length }]
      }
      case 'taken':
        this.taken += frame.count
        if (this.taken > this.progress.sent)
          throw new MalformedSyncFrameError(`the peer took ${this.taken} entries of the ${this.progress.sent} sent`)
        this.finishIfDone()
        return []
      case 'done': {
        // the peer ended reconciliation with no question for us: we are done too, once what waited
        // on its answer is pushed
        this.remoteDone = true
        const out: SyncFrame[] = await this.push((this.reconciler as Reconciler).finish())
        if (!this.localDone) {
          this.localDone = true
          out.push({ type: 'done' })
        }
        this.finishIfDone()
        return out
      }
      default:
        throw new MalformedSyncFrameError(`unexpected ${frame.type} frame during reconciliation`)
    }
  }

  /**
   * The entries the peer lacks, read through the log, in frames of at most
   * ENTRIES_FRAME_BYTES, announced by their number. One the store does not
   * hold yet (admitted, its batch still being written) is left to a later sync.
   */
  private async push(ids: Uint8Array[]): Promise<SyncFrame[]> {
    const found = (await (this.log as L).getEntries(ids)).filter((bytes) => bytes !== undefined)
    if (found.length === 0) return []
    const frames: SyncFrame[] = [{ type: 'incoming', count: found.length }]
    let batch: Uint8Array[] = []
    let size = 0
    for (const bytes of found) {
      if (size + bytes.byteLength > ENTRIES_FRAME_BYTES && batch.length > 0) {
        frames.push({ type: 'entries', entries: batch })
        batch = []
        size = 0
      }
      batch.push(bytes)
      size += bytes.byteLength + 4
    }
    if (batch.length > 0) frames.push({ type: 'entries', entries: batch })
    this.progress.sent += found.length
    return frames
  }

  private finishIfDone(): void {
    if (this.localDone && this.remoteDone && this.taken >= this.progress.sent) this.state = 'finished'
  }

  private newReconciler(): Reconciler {
    // the log's order, read from its store by bounds: no copy per session
    const log = this.log as L
    return new Reconciler(
      new StoreRanges(
        (range) => log.listKeys(range),
        log.orderBuckets === undefined ? undefined : () => (log.orderBuckets as () => Promise<readonly Bucket[]>).call(log)
      ),
      this.init.reconciler
    )
  }

  private proofContext(): ProofContext {
    const initiator = this.role === 'initiator'
    return {
      syncKey: (this.log as L).syncKey,
      initiatorNonce: this.nonces.initiator as Uint8Array,
      responderNonce: this.nonces.responder as Uint8Array,
      initiatorPeer: initiator ? this.init.localPeer : this.init.remotePeer,
      responderPeer: initiator ? this.init.remotePeer : this.init.localPeer
    }
  }

  private report(): void {
    this.init.onProgress?.({ ...this.progress })
  }
}
