/**
 * The first look at a batch of entries: decode what came as bytes, drop
 * duplicates, refuse other groups' entries, and check signatures (by hash
 * chain, see batch-verification.ts). What survives is sorted by clock, so
 * parents mostly come before their children.
 */
import { equals } from 'uint8arrays/equals'
import { decodeEntry, type Entry, type Sha256 } from '../codec/entry-codec.ts'
import { shortHex, toHex } from '../codec/hex.ts'
import { ERASED_EARLY_TOLERANCE_MS } from '../constants.ts'
import { ErasedTooEarlyError, WrongGroupError } from '../errors.ts'
import type { Signatures } from '../identity/signatures.ts'
import { verifyBatch } from './batch-verification.ts'
import type { Rejection } from './log-entry.ts'

export interface Intake {
  fresh: Entry[]
  duplicates: number
  rejected: Rejection[]
}

/** The first look at a batch, started ahead of its add (GroupLog.prepare), so that it overlaps the work on the batch before; the add takes it instead of looking again. */
export interface PreparedBatch {
  readonly input: ReadonlyArray<Uint8Array | Entry>
  readonly intake: Promise<Intake>
}

export interface IntakeContext {
  groupId: Uint8Array
  /** Whether the log already holds, or holds back, this id. */
  known(idHex: string): boolean
  signatures: Signatures
  /** Entries from this device's own store: no signature checks. */
  trusted: boolean
  /** The wall clock (ms): an entry erased before its expiry is refused. */
  now: () => number
  /** Computes the ids of what comes as bytes (noble's SHA-256 by default). */
  sha256?: Sha256
}

export async function intake(input: ReadonlyArray<Uint8Array | Entry>, ctx: IntakeContext): Promise<Intake> {
  const result: Intake = { fresh: [], duplicates: 0, rejected: [] }
  const seen = new Set<string>()
  const candidates: Entry[] = []
  for (const item of input) {
    let entry: Entry
    try {
      entry = item instanceof Uint8Array ? decodeEntry(item, undefined, ctx.sha256) : item
    } catch (error) {
      result.rejected.push({ error: error as Error })
      continue
    }
    const idHex = toHex(entry.id)
    if (ctx.known(idHex) || seen.has(idHex)) {
      result.duplicates++
      continue
    }
    seen.add(idHex)
    const groupError = checkGroup(entry, ctx.groupId) ?? (ctx.trusted ? undefined : checkErasure(entry, ctx.now()))
    if (groupError !== undefined) result.rejected.push({ id: idHex, error: groupError })
    else candidates.push(entry)
  }
  if (ctx.trusted) {
    result.fresh = candidates
  } else {
    const verification = await verifyBatch(candidates, ctx.signatures)
    for (const bad of verification.invalid) result.rejected.push({ id: toHex(bad.entry.id), error: bad.error })
    result.fresh = verification.valid
  }
  result.fresh.sort((a, b) => a.clock - b.clock)
  return result
}

/** A body is erased only past its expiry: an erased entry that is not due yet here (give or take a clock difference) is refused, and fetched again later. */
function checkErasure(entry: Entry, now: number): Error | undefined {
  if (entry.erased !== true || (entry.expires as number) <= now + ERASED_EARLY_TOLERANCE_MS) return undefined
  const minutes = Math.ceil(((entry.expires as number) - now) / 60_000)
  return new ErasedTooEarlyError(
    `entry ${shortHex(entry.id)} came with its body erased ${minutes} min before it expires; a peer may not strip a message that has not disappeared yet`
  )
}

function checkGroup(entry: Entry, groupId: Uint8Array): Error | undefined {
  if (entry.group.byteLength === 0) {
    if (!equals(entry.id, groupId)) {
      return new WrongGroupError(`entry ${shortHex(entry.id)} is the first entry of another group, not of ${shortHex(groupId)}`)
    }
  } else if (!equals(entry.group, groupId)) {
    return new WrongGroupError(`entry ${shortHex(entry.id)} belongs to group ${shortHex(entry.group)}, not ${shortHex(groupId)}`)
  }
  return undefined
}
