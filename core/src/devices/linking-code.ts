/**
 * What the two devices of a link prove and show. The new device proves it
 * saw the link with a MAC under the link's secret over both device keys
 * (Noise has authenticated both ends of the stream). Both then show a
 * six-digit code from the secret and both keys: the person checks that the
 * two screens agree, so a third device that got hold of the link (over a
 * shoulder, from a screenshot) and raced the real one is refused.
 */
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { concat } from 'uint8arrays/concat'

const PROOF_LABEL = new TextEncoder().encode('causette/link-proof/1')
const CODE_LABEL = new TextEncoder().encode('causette/link-code/1')

/** The new device's proof that it saw the link: a MAC under its secret over the existing device's key, its own and its member key. */
export function linkProof(secret: Uint8Array, existing: Uint8Array, fresh: Uint8Array, memberKey: Uint8Array): Uint8Array {
  return hmac(sha256, secret, concat([PROOF_LABEL, existing, fresh, memberKey]))
}

/** Whether `proof` is the MAC `linkProof` makes, compared in constant time. */
export function linkProofHolds(proof: Uint8Array, secret: Uint8Array, existing: Uint8Array, fresh: Uint8Array, memberKey: Uint8Array): boolean {
  const expected = linkProof(secret, existing, fresh, memberKey)
  if (proof.byteLength !== expected.byteLength) return false
  let difference = 0
  for (let i = 0; i < expected.byteLength; i++) difference |= (proof[i] as number) ^ (expected[i] as number)
  return difference === 0
}

/** The code both devices show, as "123 456". */
export function linkingCode(secret: Uint8Array, existing: Uint8Array, fresh: Uint8Array): string {
  const digest = sha256(concat([CODE_LABEL, secret, existing, fresh]))
  const n = new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0) % 1_000_000
  const digits = n.toString().padStart(6, '0')
  return `${digits.slice(0, 3)} ${digits.slice(3)}`
}
