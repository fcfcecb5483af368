/**
 * Signature checks for a batch of entries at a cost below one verification
 * per entry. An author's signature covers `prev`, the hash of that author's
 * previous entry, and that hash covers every byte of it; so when an entry's
 * signature verifies, the chain of entries it reaches through `prev` inside
 * the batch is authentic without checking their signatures. For each author
 * only the newest entry of each chain is verified (as hypercore signs tree
 * roots, not blocks); entries on no verified chain are verified one by one.
 */

import { type Entry, signedBytesOf } from '../codec/entry-codec.ts'
import { shortHex, toHex } from '../codec/hex.ts'
import { InvalidSignatureError } from '../errors.ts'
import type { Signatures } from '../identity/signatures.ts'

export interface BatchVerification {
  valid: Entry[]
  invalid: Array<{ entry: Entry; error: InvalidSignatureError }>
  /** How many signatures were actually checked. */
  verified: number
}

export async function verifyBatch(entries: Entry[], signatures: Signatures): Promise<BatchVerification> {
  const byAuthor = new Map<string, Entry[]>()
  for (const e of entries) {
    const author = toHex(e.author)
    const list = byAuthor.get(author)
    if (list === undefined) byAuthor.set(author, [e])
    else list.push(e)
  }
  const result: BatchVerification = { valid: [], invalid: [], verified: 0 }
  const check = (e: Entry): boolean | Promise<boolean> => {
    result.verified++
    return signatures.verify(e.author, e.sig, signedBytesOf(e))
  }
  // the newest entry of each chain is checked whatever the others hold: all of them at once, so a
  // verifier on another thread gets the whole batch together
  const heads: Array<Promise<[Entry, boolean]>> = []
  for (const list of byAuthor.values()) {
    const linked = new Set<string>()
    for (const e of list) if (e.prev !== null) linked.add(toHex(e.prev))
    for (const e of list) if (!linked.has(toHex(e.id))) heads.push(Promise.resolve(check(e)).then((ok) => [e, ok]))
  }
  const verdicts = new Map(await Promise.all(heads))
  for (const list of byAuthor.values()) {
    list.sort((a, b) => b.seq - a.seq)
    // ids vouched for by a valid signature of this same author
    const vouched = new Set<string>()
    for (const e of list) {
      const idHex = toHex(e.id)
      // an entry below a chain head whose signature failed is checked on its own
      const ok = verdicts.get(e) ?? (vouched.has(idHex) || (await check(e)))
      if (ok) {
        result.valid.push(e)
        if (e.prev !== null) vouched.add(toHex(e.prev))
      } else {
        result.invalid.push({
          entry: e,
          error: new InvalidSignatureError(
            `entry ${shortHex(e.id)} claims author ${shortHex(e.author)} but its signature does not verify with that key`
          )
        })
      }
    }
  }
  return result
}
