/**
 * An invite's key: an Ed25519 key pair derived from the invite id its link
 * carries. The invite's record shows only the public key (its token); a join
 * proves it holds the link by signing the joiner's keys with the private
 * one. So a join reveals nothing another device could join with: anyone who
 * reads the log (every holder of the group secret can) learns the token and
 * that proof, never the id.
 */
import { ed25519 } from '@noble/curves/ed25519.js'
import { sha256 } from '@noble/hashes/sha2.js'

const SEED_LABEL = new TextEncoder().encode('causette/invite-key/1')
const PROOF_LABEL = new TextEncoder().encode('causette/join/1')

export const INVITE_PROOF_BYTES = 64

function seedOf(inviteId: Uint8Array): Uint8Array {
  const input = new Uint8Array(SEED_LABEL.byteLength + inviteId.byteLength)
  input.set(SEED_LABEL)
  input.set(inviteId, SEED_LABEL.byteLength)
  return sha256(input)
}

function proofMessage(joiner: Uint8Array, memberKey: Uint8Array): Uint8Array {
  const message = new Uint8Array(PROOF_LABEL.byteLength + joiner.byteLength + memberKey.byteLength)
  message.set(PROOF_LABEL)
  message.set(joiner, PROOF_LABEL.byteLength)
  message.set(memberKey, PROOF_LABEL.byteLength + joiner.byteLength)
  return message
}

/** The invite's public key: the token its record carries. */
export function invitePublicKey(inviteId: Uint8Array): Uint8Array {
  return ed25519.getPublicKey(seedOf(inviteId))
}

/** A signature by the invite's key over the joining device's key and its X25519 key for receiving group keys. */
export function proveInvite(inviteId: Uint8Array, joiner: Uint8Array, memberKey: Uint8Array): Uint8Array {
  return ed25519.sign(proofMessage(joiner, memberKey), seedOf(inviteId))
}

/** Whether `proof` was made with the key of the invite whose token is `token`, for this joiner and member key. */
export function checkInviteProof(token: Uint8Array, proof: Uint8Array, joiner: Uint8Array, memberKey: Uint8Array): boolean {
  try {
    return ed25519.verify(proof, proofMessage(joiner, memberKey), token)
  } catch {
    return false
  }
}
