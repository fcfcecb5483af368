/**
 * Drafting membership operations as this device: the new epoch key, granted
 * to the right members, with the history of the epochs this device holds;
 * invites with their key, and joins that prove the link.
 */
import { fromHex } from '../codec/hex.ts'
import { type EpochGrant, grantEpochKey, newEpochKey, sealHistory } from '../crypto/epoch-grant.ts'
import type { EpochKeys } from '../crypto/epoch-keys.ts'
import { findInvite } from '../group/invite-records.ts'
import type { InviteOperation, JoinOperation, RekeyOperation, RemoveOperation } from '../group/membership-operations.ts'
import type { MembershipState } from '../group/membership-state.ts'
import { newInviteId } from '../invite/invite.ts'
import { invitePublicKey, proveInvite } from '../invite/invite-key.ts'

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
  const op: InviteOperation = { type: 'invite', token: invitePublicKey(inviteId), singleUse: options.singleUse ?? false, signed: true }
  if (options.expires !== undefined) op.expires = options.expires
  return { op, inviteId }
}

/** A join by the invite whose link carries `inviteId`: proven with the invite's key, or (an older version's invite) showing the id. */
export function draftJoin(state: MembershipState | undefined, inviteId: Uint8Array, joiner: Uint8Array, memberKey: Uint8Array): JoinOperation {
  const found = state === undefined ? undefined : findInvite(state, inviteId)
  if (found !== undefined && !found.invite.signed) return { type: 'join', inviteId, memberKey }
  return { type: 'join', token: invitePublicKey(inviteId), proof: proveInvite(inviteId, joiner, memberKey), memberKey }
}
