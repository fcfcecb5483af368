/**
 * Proof of group membership before sync: each side shows it holds the group
 * secret without revealing it. The initiator names the group by a tag only
 * members can compute; both sides then answer each other's random nonce with
 * an HMAC under a key derived from the secret, bound to both libp2p peer ids
 * (authenticated by Noise) so a proof cannot be replayed or relayed.
 */
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { equals } from 'uint8arrays/equals'
import { NONCE_BYTES, TAG_BYTES } from './frames.ts'

const encoder = new TextEncoder()

/** The group's name in a hello: opaque to anyone without the secret. */
export function syncTag(syncKey: Uint8Array): Uint8Array {
  return hmac(sha256, syncKey, encoder.encode('causette/sync/tag')).subarray(0, TAG_BYTES)
}

export function newNonce(): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES))
}

export interface ProofContext {
  syncKey: Uint8Array
  initiatorNonce: Uint8Array
  responderNonce: Uint8Array
  initiatorPeer: string
  responderPeer: string
}

export function membershipProof(role: 'initiator' | 'responder', ctx: ProofContext): Uint8Array {
  const parts = [
    encoder.encode(`causette/sync/proof/${role}\n`),
    ctx.initiatorNonce,
    ctx.responderNonce,
    encoder.encode(`${ctx.initiatorPeer}\n${ctx.responderPeer}`)
  ]
  const mac = hmac.create(sha256, ctx.syncKey)
  for (const p of parts) mac.update(p)
  return mac.digest()
}

export function checkProof(role: 'initiator' | 'responder', ctx: ProofContext, proof: Uint8Array): boolean {
  // equal-length MACs; a timing difference here reveals nothing an attacker can use without the key
  return equals(membershipProof(role, ctx), proof)
}
