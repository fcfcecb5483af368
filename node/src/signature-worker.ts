/**
 * The worker thread of WorkerSignatures (worker-signatures.ts): verifies
 * batches of Ed25519 signatures with node:crypto and answers with one
 * verdict per signature, so the daemon's main thread spends its time on
 * everything else gossip needs.
 */
import { parentPort } from 'node:worker_threads'
import { nodeSignatures } from './node-signatures.ts'
import { unpackChecks } from './signature-batch.ts'

export interface VerifyRequest {
  batch: number
  /** Public key, signature and signed bytes of each check, packed (signature-batch.ts). */
  checks: ArrayBuffer
}

/** The verdicts on a batch; the first message, with no batch, says the worker takes checks. */
export type VerifyReply = { batch: number; valid: boolean[] } | { batch?: undefined }

const signatures = nodeSignatures()

parentPort?.on('message', (request: VerifyRequest) => {
  const valid = unpackChecks(request.checks).map(([publicKey, signature, data]) => signatures.verify(publicKey, signature, data) as boolean)
  parentPort?.postMessage({ batch: request.batch, valid } satisfies VerifyReply)
})
parentPort?.postMessage({} satisfies VerifyReply)
