/** Making a new entry: encrypt the operation, sign the fields, encode; and the genesis of a new group. */

import { encodeOperation, type Operation } from '../chat/operations.ts'
import { type Entry, type EntryFields, encodeEntry, signingPayload } from '../codec/entry-codec.ts'
import { nobleXChaCha, sealBody, type XChaChaAead } from '../crypto/body-cipher.ts'
import { firstEpochKey, generateGroupSecret } from '../crypto/group-keys.ts'
import { memberKeyPair } from '../crypto/member-key.ts'
import type { PersonClaim } from '../group/membership-operations.ts'
import type { DeviceKey } from '../identity/device-key.ts'
import type { Signatures } from '../identity/signatures.ts'

export interface EntryDraft extends Omit<EntryFields, 'body' | 'author'> {
  op: Operation
  epochKey: Uint8Array
}

/** Seals the body with `aead` (noble's unless the writer injects another implementation of the cipher) and signs. */
export async function writeEntry(key: DeviceKey, signatures: Signatures, draft: EntryDraft, aead: XChaChaAead = nobleXChaCha): Promise<Entry> {
  const { op, epochKey, ...rest } = draft
  const author = key.publicKey
  const body = sealBody(aead, epochKey, { group: rest.group, author, seq: rest.seq, epoch: rest.epoch }, encodeOperation(op))
  const fields: EntryFields = { ...rest, author, body }
  const sig = await signatures.sign(key, signingPayload(fields))
  return encodeEntry(fields, sig)
}

/** The first entry of a new group, with a fresh group secret. Its id is the group id. */
export async function writeGenesis(
  key: DeviceKey,
  signatures: Signatures,
  name: string,
  time: number,
  aead: XChaChaAead,
  person: PersonClaim = {}
): Promise<{ genesis: Entry; secret: Uint8Array }> {
  const secret = generateGroupSecret()
  const genesis = await writeEntry(
    key,
    signatures,
    {
      group: new Uint8Array(0),
      seq: 1,
      prev: null,
      clock: 1,
      parents: [],
      time,
      epoch: new Uint8Array(0),
      op: { type: 'create', name, memberKey: memberKeyPair(key).publicKey, ...person },
      epochKey: firstEpochKey(secret)
    },
    aead
  )
  return { genesis, secret }
}
