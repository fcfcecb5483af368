/**
 * Gossip message ids, computed once per message. An entry's id is the
 * SHA-256 of its bytes, and so is the id gossipsub gives the message that
 * carries it (create-libp2p.ts), so the topic validator takes the id
 * gossipsub just computed instead of hashing the same bytes again when it
 * decodes the entry (~3 µs a message). Only the last few ids are kept, by
 * the identity of the message's bytes: gossipsub decodes each message into
 * bytes of its own and never reuses them for another. The hash is the
 * runtime's: noble's by default, node:crypto's in the daemon and relay
 * (~1 µs a message against ~3.5).
 */
import { sha256 } from '@noble/hashes/sha2.js'
import type { Sha256 } from '../codec/entry-codec.ts'

/** Messages validated at once: more than one RPC's worth may be between hashing and validation. */
const KEPT = 64

const data: Array<Uint8Array | undefined> = new Array(KEPT)
const ids: Array<Uint8Array | undefined> = new Array(KEPT)
let next = 0

/** gossipsub's msgIdFn: the SHA-256 of the message's bytes, remembered for messageIdOf. */
export function gossipMessageId(bytes: Uint8Array, hash?: Sha256): Uint8Array {
  const id = (hash ?? sha256)(bytes)
  data[next] = bytes
  ids[next] = id
  next = (next + 1) % KEPT
  return id
}

/** The id gossipMessageId gave these very bytes, if it is still kept. */
export function messageIdOf(bytes: Uint8Array): Uint8Array | undefined {
  for (let i = 0; i < KEPT; i++) {
    if (data[i] === bytes) {
      const id = ids[i]
      // taken once: the slot no longer holds on to the message
      data[i] = undefined
      ids[i] = undefined
      return id
    }
  }
  return undefined
}
