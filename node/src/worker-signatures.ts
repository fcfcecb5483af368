/**
 * Ed25519 verification on a worker thread, for the daemon: live gossip
 * checks one signature per entry (~60 µs each), which is the largest single
 * cost of taking in messages. Verifications asked for in one turn of the
 * event loop go to the worker as one batch. Signing stays on this thread
 * (this device writes far less than it reads). If the worker cannot start
 * or dies, verification falls back to this thread: slower, never wrong.
 */
import { Worker } from 'node:worker_threads'
import type { Signatures } from '@causette/core'
import { nodeSignatures } from './node-signatures.ts'
import { packChecks, type SignatureCheck } from './signature-batch.ts'
import type { VerifyReply, VerifyRequest } from './signature-worker.ts'

interface Waiting {
  checks: SignatureCheck[]
  resolves: Array<(valid: boolean) => void>
}

export class WorkerSignatures implements Signatures {
  private readonly local = nodeSignatures()
  private worker: Worker | undefined
  /** Checks asked for in this turn, not yet sent. */
  private queued: Waiting | undefined
  /** Batches at the worker, by number. */
  private readonly inFlight = new Map<number, Waiting>()
  private nextBatch = 0

  constructor() {
    try {
      const worker = new Worker(new URL('./signature-worker.ts', import.meta.url))
      worker.unref()
      worker.on('message', (reply: VerifyReply) => this.settle(reply))
      worker.on('error', () => this.fallBack())
      worker.on('exit', () => this.fallBack())
      this.worker = worker
    } catch {
      this.worker = undefined
    }
  }

  sign(key: Parameters<Signatures['sign']>[0], data: Uint8Array): Uint8Array | Promise<Uint8Array> {
    return this.local.sign(key, data)
  }

  verify(publicKey: Uint8Array, signature: Uint8Array, data: Uint8Array): boolean | Promise<boolean> {
    if (this.worker === undefined) return this.local.verify(publicKey, signature, data)
    return new Promise((resolve) => {
      if (this.queued === undefined) {
        this.queued = { checks: [], resolves: [] }
        queueMicrotask(() => this.send())
      }
      this.queued.checks.push([publicKey, signature, data])
      this.queued.resolves.push(resolve)
    })
  }

  /** Stops the worker; later checks run on this thread. */
  async close(): Promise<void> {
    const worker = this.worker
    this.fallBack()
    await worker?.terminate()
  }

  private send(): void {
    const waiting = this.queued
    this.queued = undefined
    if (waiting === undefined) return
    if (this.worker === undefined) {
      this.verifyHere(waiting)
      return
    }
    const batch = this.nextBatch++
    this.inFlight.set(batch, waiting)
    // the worker holds the process up only while it has work
    if (this.inFlight.size === 1) this.worker.ref()
    const checks = packChecks(waiting.checks)
    this.worker.postMessage({ batch, checks } satisfies VerifyRequest, [checks])
  }

  private settle(reply: VerifyReply): void {
    const waiting = this.inFlight.get(reply.batch)
    if (waiting === undefined) return
    this.inFlight.delete(reply.batch)
    if (this.inFlight.size === 0) this.worker?.unref()
    waiting.resolves.forEach((resolve, i) => {
      resolve(reply.valid[i] === true)
    })
  }

  /** The worker is gone: what it had, and everything after, is checked here. */
  private fallBack(): void {
    const worker = this.worker
    this.worker = undefined
    worker?.removeAllListeners()
    const stranded = [...this.inFlight.values()]
    this.inFlight.clear()
    for (const waiting of stranded) this.verifyHere(waiting)
  }

  private verifyHere(waiting: Waiting): void {
    waiting.checks.forEach(([publicKey, signature, data], i) => {
      waiting.resolves[i]?.(this.local.verify(publicKey, signature, data) as boolean)
    })
  }
}
