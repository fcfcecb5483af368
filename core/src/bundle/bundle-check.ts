/**
 * The checks a bundle passes whole before any of its entries is added:
 * each entry decodes, is of the bundle's group, and its signature verifies
 * (batch-verified, as sync does). One failure refuses the bundle, naming
 * the entry. The daemon and a browser tab run the same checks; what the
 * group's rules refuse afterwards is the log's to count.
 */

import { BundleDamagedError } from '../backup/backup-errors.ts'
import { decodeEntry, type Entry } from '../codec/entry-codec.ts'
import { shortHex, toHex } from '../codec/hex.ts'
import type { Signatures } from '../identity/signatures.ts'
import { verifyBatch } from '../log/batch-verification.ts'

/** Entry `index` (from 0) of `total`, decoded; BundleDamagedError when it is not an entry. */
export function decodeBundleEntry(what: string, bytes: Uint8Array, index: number, total: number): Entry {
  try {
    return decodeEntry(bytes)
  } catch (err) {
    throw new BundleDamagedError(what, `its entry ${index + 1} of ${total} is not a valid entry: ${(err as Error).message}`)
  }
}

/** Refuses the whole bundle for one entry of another group, or one whose signature does not verify. */
export async function checkBundleEntries(
  what: string,
  page: Entry[],
  groupId: Uint8Array,
  before: number,
  total: number,
  signatures: Signatures
): Promise<void> {
  const groupHex = toHex(groupId)
  page.forEach((entry, i) => {
    const ofGroup = entry.group.byteLength === 0 ? toHex(entry.id) === groupHex : toHex(entry.group) === groupHex
    if (!ofGroup)
      throw new BundleDamagedError(
        what,
        `its entry ${before + i + 1} of ${total} (${shortHex(entry.id)}) is not of the bundle's group ${shortHex(groupId)}`
      )
  })
  const { invalid } = await verifyBatch(page, signatures)
  const bad = invalid[0]
  if (bad !== undefined) {
    const at = page.indexOf(bad.entry)
    throw new BundleDamagedError(
      what,
      `the signature of its entry ${before + at + 1} of ${total} (${shortHex(bad.entry.id)}) does not verify: the entry was changed`
    )
  }
}
