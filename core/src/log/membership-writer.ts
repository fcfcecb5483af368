/**
 * Drafting membership operations as this device: the new epoch key, granted
 * to the right members, with the history of the epochs this device holds;
 * invites with their key, and joins that prove the link.
 */
import { fromHex } from '../codec/hex.ts'
import { type EpochGrant, grantEpochKey, newEpochKey, sealHistory } from '../crypto/epoch-grant.ts'
import type { EpochKeys } from '../crypto/epoch-keys.ts'
import type { X25519 } from '../crypto/x25519.ts'
import { findInvite } from '../group/invite-records.ts'
import type {
  DeviceSeen,
  InviteOperation,
  JoinOperation,
  RekeyOperation,
  RemoveOperation,
  RevokeDeviceOperation
} from '../group/membership-operations.ts'
import type { MembershipState } from '../group/membership-state.ts'
import { devicesOf, personNamed } from '../group/person-devices.ts'
import { newInviteId } from '../invite/invite.ts'
import { invitePublicKey, proveInvite } from '../invite/invite-key.ts'

function grantFor(
  recipients: string[],
  state: MembershipState,
  keys: EpochKeys,
  groupId: Uint8Array,
  x25519: X25519
): { grant: EpochGrant; history: Uint8Array; covers: Uint8Array[] } {
  const epochKey = newEpochKey()
  const memberKeys = recipients.map((r) => (state.members.get(r) as { memberKey: Uint8Array }).memberKey)
  const leaves = keys.leaves()
  return { grant: grantEpochKey(epochKey, memberKeys, groupId, x25519), history: sealHistory(epochKey, leaves), covers: leaves.map((l) => l.epoch) }
}

export function draftRekey(state: MembershipState, keys: EpochKeys, groupId: Uint8Array, x25519: X25519): RekeyOperation {
  return { type: 'rekey', ...grantFor(state.memberKeys(), state, keys, groupId, x25519) }
}

/** Removes the person `memberHex` names (a device of theirs, or their person key), with every device of theirs and the highest seq seen of each. */
export function draftRemove(
  memberHex: string,
  seenSeq: (deviceHex: string) => number,
  state: MembershipState,
  keys: EpochKeys,
  groupId: Uint8Array,
  x25519: X25519
): RemoveOperation {
  const person = personNamed(state.members, memberHex)
  const devices = person === undefined ? [memberHex] : devicesOf(state.members, person)
  const remaining = state.memberKeys().filter((m) => !devices.includes(m))
  const op: RemoveOperation = {
    type: 'remove',
    member: fromHex(memberHex),
    seenSeq: seenSeq(memberHex),
    ...grantFor(remaining, state, keys, groupId, x25519)
  }
  const also = devices.filter((d) => d !== memberHex).map((d): DeviceSeen => [fromHex(d), seenSeq(d)])
  if (also.length > 0) op.also = also
  return op
}

export function draftRevokeDevice(
  deviceHex: string,
  seenSeq: number,
  state: MembershipState,
  keys: EpochKeys,
  groupId: Uint8Array,
  x25519: X25519
): RevokeDeviceOperation {
  const remaining = state.memberKeys().filter((m) => m !== deviceHex)
  return { type: 'revoke-device', device: fromHex(deviceHex), seenSeq, ...grantFor(remaining, state, keys, groupId, x25519) }
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
