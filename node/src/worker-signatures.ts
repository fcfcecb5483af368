/**
 * Ed25519 verification on a worker thread, for the daemon: live gossip
 * checks one signature per entry (~60 µs each), which is the largest single
 * cost of taking in messages. Verifications asked for in one turn of the
 * event loop go to the worker as one batch. Signing stays on this thread
 * (this device writes far less than it reads). If the worker cannot start
 * or dies, verification falls back to this thread: slower, never wrong.
 *
 * A worker is a second V8 and Node environment, ~14 MiB resident, so it
 * runs only while there is verifying to do: it starts at the first check
 * (the checks until it is ready run here, so none waits for it) and stops
 * after a minute with none. It is given the compile cache the daemon runs
 * with: without it, it loaded the TypeScript stripper to read its own
 * source, another ~14 MiB.
 */
import nodeModule from 'node:module'
import { Worker } from 'node:worker_threads'
import type { Signatures } from '@causette/core'
import { nodeSignatures } from './node-signatures.ts'
import { packChecks, type SignatureCheck } from './signature-batch.ts'
import type { VerifyReply, VerifyRequest } from './signature-worker.ts'

interface Waiting {
  checks: SignatureCheck[]
  resolves: Array<(valid: boolean) => void>
}

export interface WorkerSignaturesOptions {
  /** How long the worker stays without work before it stops (default a minute). */
  idleMs?: number
}

const IDLE_MS = 60_000

export class WorkerSignatures implements Signatures {
  private readonly local = nodeSignatures()
  private readonly idleMs: number
  /** The worker, from when it is started until it stops or fails. */
  private worker: Worker | undefined
  /** Whether the worker has said it takes checks; until then they run here. */
  private ready = false
  private readyWaiters: Array<() => void> = []
  /** Closed, or the worker could not start or died: everything runs here from now on. */
  private done = false
  private idleTimer: NodeJS.Timeout | undefined
  /** Checks asked for in this turn, not yet sent. */
  private queued: Waiting | undefined
  /** Batches at the worker, by number. */
  private readonly inFlight = new Map<number, Waiting>()
  private nextBatch = 0

  constructor(options: WorkerSignaturesOptions = {}) {
    this.idleMs = options.idleMs ?? IDLE_MS
  }

  sign(key: Parameters<Signatures['sign']>[0], data: Uint8Array): Uint8Array | Promise<Uint8Array> {
    return this.local.sign(key, data)
  }

  verify(publicKey: Uint8Array, signature: Uint8Array, data: Uint8Array): boolean | Promise<boolean> {
    if (!this.ready) {
      this.start()
      return this.local.verify(publicKey, signature, data)
    }
    return new Promise((resolve) => {
      if (this.queued === undefined) {
        this.queued = { checks: [], resolves: [] }
        queueMicrotask(() => this.send())
      }
      this.queued.checks.push([publicKey, signature, data])
      this.queued.resolves.push(resolve)
    })
  }

  /** Whether checks now go to the worker. */
  get onWorker(): boolean {
    return this.ready
  }

  /** Starts the worker if it is not running, and resolves once it takes checks (or never will). */
  whenReady(): Promise<void> {
    this.start()
    if (this.ready || this.worker === undefined) return Promise.resolve()
    return new Promise((resolve) => this.readyWaiters.push(resolve))
  }

  /** Stops the worker; later checks run on this thread. */
  async close(): Promise<void> {
    this.done = true
    await this.stopWorker()
  }

  private start(): void {
    if (this.worker !== undefined || this.done) return
    let worker: Worker
    try {
      const cache = nodeModule.getCompileCacheDir()
      worker = new Worker(
        new URL('./signature-worker.ts', import.meta.url),
        cache === undefined ? {} : { env: { ...process.env, NODE_COMPILE_CACHE: cache } }
      )
    } catch {
      this.done = true
      return
    }
    worker.unref()
    worker.on('message', (reply: VerifyReply) => this.settle(reply))
    // a worker that fails is not started again: its checks, and all later ones, run here
    worker.on('error', () => void this.fail())
    worker.on('exit', () => void this.fail())
    this.worker = worker
  }

  private send(): void {
    const waiting = this.queued
    this.queued = undefined
    if (waiting === undefined) return
    if (this.worker === undefined || !this.ready) {
      this.verifyHere(waiting)
      return
    }
    const batch = this.nextBatch++
    this.inFlight.set(batch, waiting)
    // the worker holds the process up only while it has work
    if (this.inFlight.size === 1) this.worker.ref()
    this.idleTimer?.refresh()
    const checks = packChecks(waiting.checks)
    this.worker.postMessage({ batch, checks } satisfies VerifyRequest, [checks])
  }

  private settle(reply: VerifyReply): void {
    if (reply.batch === undefined) {
      this.ready = true
      this.idleTimer = setTimeout(() => this.retireIfIdle(), this.idleMs).unref()
      this.wakeReadyWaiters()
      return
    }
    const waiting = this.inFlight.get(reply.batch)
    if (waiting === undefined) return
    this.inFlight.delete(reply.batch)
    if (this.inFlight.size === 0) this.worker?.unref()
    waiting.resolves.forEach((resolve, i) => {
      resolve(reply.valid[i] === true)
    })
  }

  /** No batch for a while: the worker stops, and the next check starts it again. */
  private retireIfIdle(): void {
    if (this.inFlight.size > 0 || this.queued !== undefined) this.idleTimer?.refresh()
    else void this.stopWorker()
  }

  private async fail(): Promise<void> {
    this.done = true
    await this.stopWorker()
  }

  /** The worker stops: what it had, and everything until the next one is ready, is checked here. */
  private async stopWorker(): Promise<void> {
    const worker = this.worker
    this.worker = undefined
    this.ready = false
    clearTimeout(this.idleTimer)
    this.idleTimer = undefined
    worker?.removeAllListeners()
    this.wakeReadyWaiters()
    const stranded = [...this.inFlight.values()]
    this.inFlight.clear()
    for (const waiting of stranded) this.verifyHere(waiting)
    await worker?.terminate()
  }

  private wakeReadyWaiters(): void {
    const waiters = this.readyWaiters
    this.readyWaiters = []
    for (const wake of waiters) wake()
  }

  private verifyHere(waiting: Waiting): void {
    waiting.checks.forEach(([publicKey, signature, data], i) => {
      waiting.resolves[i]?.(this.local.verify(publicKey, signature, data) as boolean)
    })
  }
}
