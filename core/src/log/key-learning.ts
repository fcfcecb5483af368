/**
 * Learning group keys from the log: when a rekey or removal grants this
 * device the new epoch's key, open it, then follow the key histories back so
 * every earlier epoch this device may read becomes readable.
 */
import { toHex } from '../codec/hex.ts'
import { type EpochKeyRecord, openGrant, openHistory } from '../crypto/epoch-grant.ts'
import type { EpochKeys } from '../crypto/epoch-keys.ts'
import type { MemberKeyPair } from '../crypto/member-key.ts'
import type { X25519 } from '../crypto/x25519.ts'
import type { EpochMaking } from '../group/membership-operations.ts'
import { epochIdOf } from '../group/membership-state.ts'
import type { LogEntry } from './log-entry.ts'

export interface KeyLearningContext {
  me: MemberKeyPair
  x25519: X25519
  myHex: string
  groupId: Uint8Array
  keys: EpochKeys
  /** The grant-carrying operation that made an epoch, if the log holds it. */
  grantOf(epochHex: string): EpochMaking | undefined
}

/** Returns the epochs whose keys became known. */
export function learnFromGrant(node: LogEntry, op: EpochMaking, ctx: KeyLearningContext): string[] {
  const epochHex = epochIdOf(node)
  const epoch = node.frontier.state.epochs.find((e) => e.id === epochHex)
  const position = epoch?.recipients?.indexOf(ctx.myHex) ?? -1
  if (position < 0) return []
  const key = openGrant(op.grant, position, ctx.me, ctx.groupId, ctx.x25519)
  if (key === undefined) return []
  const learned: string[] = []
  const visit = (epoch: string, epochKey: Uint8Array, history: Uint8Array | undefined): void => {
    // an epoch already held had its history followed when it was learned
    if (!ctx.keys.add(epoch, epochKey)) return
    learned.push(epoch)
    const records: EpochKeyRecord[] = history === undefined ? [] : (openHistory(epochKey, history) ?? [])
    ctx.keys.setCovers(
      epoch,
      records.map((r) => toHex(r.epoch))
    )
    for (const r of records) visit(toHex(r.epoch), r.key, ctx.grantOf(toHex(r.epoch))?.history)
  }
  visit(epochHex, key, op.history)
  return learned
}
