/**
 * Checks an entry against the log it joins, once its parents and previous
 * entry are present: genesis rules, the author's hash chain, the Lamport
 * clock, and that the body decrypts to a well-formed operation.
 */

import { decodeOperation, type Operation } from '../chat/operations.ts'
import type { Entry } from '../codec/entry-codec.ts'
import { shortHex } from '../codec/hex.ts'
import { openBody, type XChaChaAead } from '../crypto/body-cipher.ts'
import type { EpochKeys } from '../crypto/epoch-keys.ts'
import {
  InvalidChainError,
  InvalidClockError,
  InvalidGenesisError,
  MalformedEntryError,
  MalformedOperationError,
  UnknownEpochError
} from '../errors.ts'

export interface Predecessors {
  /** Clocks of the entry's parents, all present. */
  parentClocks: number[]
  /** The author's previous entry, when seq > 1. */
  prev?: { seq: number; clock: number; authorHex: string }
}

export function checkStructure(e: Entry, authorHex: string, deps: Predecessors): void {
  if (e.group.byteLength === 0) {
    if (e.seq !== 1 || e.parents.length !== 0 || e.clock !== 1 || e.epoch.byteLength !== 0 || e.expires !== undefined) {
      throw new InvalidGenesisError(`genesis entry ${shortHex(e.id)} must have seq 1, clock 1, no parents, the first epoch and no expiry`)
    }
    return
  }
  if (e.parents.length === 0) {
    throw new MalformedEntryError(`entry ${shortHex(e.id)} names no parents; every entry after the first must`)
  }
  const expected = 1 + Math.max(...deps.parentClocks)
  if (e.clock !== expected) {
    throw new InvalidClockError(`entry ${shortHex(e.id)} has clock ${e.clock}; its parents make it ${expected}`)
  }
  if (deps.prev !== undefined) {
    if (deps.prev.authorHex !== authorHex || deps.prev.seq !== e.seq - 1) {
      throw new InvalidChainError(`entry ${shortHex(e.id)} (seq ${e.seq}) names as previous an entry that is not its author's seq ${e.seq - 1}`)
    }
    if (e.clock <= deps.prev.clock) {
      throw new InvalidClockError(`entry ${shortHex(e.id)} has clock ${e.clock}, not after its author's previous entry (clock ${deps.prev.clock})`)
    }
  }
}

export function openOperation(e: Entry, keys: EpochKeys, aead: XChaChaAead): Operation {
  const key = keys.get(e.epoch)
  if (key === undefined) {
    throw new UnknownEpochError(`entry ${shortHex(e.id)} is encrypted under epoch ${shortHex(e.epoch)}, whose key this device does not hold`)
  }
  const plaintext = openBody(aead, key, { group: e.group, author: e.author, seq: e.seq, epoch: e.epoch }, e.body)
  const op = decodeOperation(plaintext)
  if ((op.type === 'create') !== (e.group.byteLength === 0)) {
    throw new MalformedOperationError(
      op.type === 'create'
        ? `entry ${shortHex(e.id)} tries to create a group inside an existing one`
        : `genesis entry ${shortHex(e.id)} does not create a group`
    )
  }
  return op
}
