/** Making a new entry: encrypt the operation, sign the fields, encode. */

import { encodeOperation, type Operation } from '../chat/operations.ts'
import { type Entry, type EntryFields, encodeEntry, signingPayload } from '../codec/entry-codec.ts'
import { sealBody } from '../crypto/body-cipher.ts'
import type { DeviceKey } from '../identity/device-key.ts'
import type { Signatures } from '../identity/signatures.ts'

export interface EntryDraft extends Omit<EntryFields, 'body' | 'author'> {
  op: Operation
  epochKey: Uint8Array
}

export async function writeEntry(key: DeviceKey, signatures: Signatures, draft: EntryDraft): Promise<Entry> {
  const { op, epochKey, ...rest } = draft
  const author = key.publicKey
  const body = sealBody(epochKey, { group: rest.group, author, seq: rest.seq, epoch: rest.epoch }, encodeOperation(op))
  const fields: EntryFields = { ...rest, author, body }
  const sig = await signatures.sign(key, signingPayload(fields))
  return encodeEntry(fields, sig)
}
