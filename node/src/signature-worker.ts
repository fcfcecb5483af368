/**
 * The worker thread of WorkerSignatures (worker-signatures.ts): verifies
 * batches of Ed25519 signatures with node:crypto and answers with one
 * verdict per signature, so the daemon's main thread spends its time on
 * everything else gossip needs.
 */
import { parentPort } from 'node:worker_threads'
import { nodeSignatures } from './node-signatures.ts'

export interface VerifyRequest {
  batch: number
  /** Public key, signature and signed bytes of each check. */
  checks: Array<[Uint8Array, Uint8Array, Uint8Array]>
}

export interface VerifyReply {
  batch: number
  valid: boolean[]
}

const signatures = nodeSignatures()

parentPort?.on('message', (request: VerifyRequest) => {
  const valid = request.checks.map(([publicKey, signature, data]) => signatures.verify(publicKey, signature, data) as boolean)
  parentPort?.postMessage({ batch: request.batch, valid } satisfies VerifyReply)
})
