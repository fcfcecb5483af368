/**
 * A list of entry ids as one byte string (32 bytes each, in order): how
 * stores keep an entry's parents in one column or field, and read them back.
 */
import { ENTRY_ID_BYTES } from '../constants.ts'

export function joinEntryIds(ids: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const joined = new Uint8Array(ids.length * ENTRY_ID_BYTES)
  ids.forEach((id, i) => {
    joined.set(id, i * ENTRY_ID_BYTES)
  })
  return joined
}

/** The ids, as views into `joined` (copy them to keep them apart from it). */
export function splitEntryIds(joined: Uint8Array): Uint8Array[] {
  const ids: Uint8Array[] = []
  for (let at = 0; at < joined.byteLength; at += ENTRY_ID_BYTES) ids.push(joined.subarray(at, at + ENTRY_ID_BYTES))
  return ids
}
