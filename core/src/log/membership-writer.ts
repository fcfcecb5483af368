/**
 * Drafting membership operations as this device: the new epoch key, granted
 * to the right members, with the history of the epochs this device holds.
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { fromHex } from '../codec/hex.ts'
import { type EpochGrant, grantEpochKey, newEpochKey, sealHistory } from '../crypto/epoch-grant.ts'
import type { EpochKeys } from '../crypto/epoch-keys.ts'
import type { InviteOperation, RekeyOperation, RemoveOperation } from '../group/membership-operations.ts'
import type { MembershipState } from '../group/membership-state.ts'
import { newInviteId } from '../invite/invite.ts'

function grantFor(
  recipients: string[],
  state: MembershipState,
  keys: EpochKeys,
  groupId: Uint8Array
): { grant: EpochGrant; history: Uint8Array; covers: Uint8Array[] } {
  const epochKey = newEpochKey()
  const memberKeys = recipients.map((r) => (state.members.get(r) as { memberKey: Uint8Array }).memberKey)
  const leaves = keys.leaves()
  return { grant: grantEpochKey(epochKey, memberKeys, groupId), history: sealHistory(epochKey, leaves), covers: leaves.map((l) => l.epoch) }
}

export function draftRekey(state: MembershipState, keys: EpochKeys, groupId: Uint8Array): RekeyOperation {
  return { type: 'rekey', ...grantFor(state.memberKeys(), state, keys, groupId) }
}

export function draftRemove(memberHex: string, seenSeq: number, state: MembershipState, keys: EpochKeys, groupId: Uint8Array): RemoveOperation {
  const remaining = state.memberKeys().filter((m) => m !== memberHex)
  return { type: 'remove', member: fromHex(memberHex), seenSeq, ...grantFor(remaining, state, keys, groupId) }
}

export function draftInvite(options: { singleUse?: boolean; expires?: number }): { op: InviteOperation; inviteId: Uint8Array } {
  const inviteId = newInviteId()
  const op: InviteOperation = { type: 'invite', token: sha256(inviteId), singleUse: options.singleUse ?? false }
  if (options.expires !== undefined) op.expires = options.expires
  return { op, inviteId }
}
