/**
 * A person's devices in a group. Entries are written and keys granted per
 * device; roles, removal and leaving belong to the person, so a group sees
 * one member with its devices (docs/devices.md). A person is named by the
 * key of their first device; a device with no certificate is its own
 * person, as every device was before linking existed.
 *
 * `link-device`: a device of a person brings in another device the person
 * certified, with the person's role. `revoke-device`: the person's first
 * device takes one of the others out, with a new epoch key for everyone
 * else; a revoked device is never linked again.
 */
import { fromHex, toHex } from '../codec/hex.ts'
import { EPOCH_ID_BYTES } from '../constants.ts'
import { NotAuthorizedError } from '../errors.ts'
import { checkDeviceCertificate } from '../identity/device-certificate.ts'
import {
  type LinkDeviceOperation,
  MAX_DEVICES_PER_PERSON,
  type PersonClaim,
  type RemoveOperation,
  type RevokeDeviceOperation,
  type RoleOperation
} from './membership-operations.ts'
import type { EntryRef, EpochInfo, Member, MemberInfo, MembershipState } from './membership-state.ts'
import { actionOf, requireMember } from './standing.ts'

/** Verdicts on certificates, by certificate bytes: a replay of the membership checks each again. */
const verdicts = new WeakMap<Uint8Array, boolean>()

function certified(person: Uint8Array, device: Uint8Array, memberKey: Uint8Array, certificate: Uint8Array): boolean {
  let verdict = verdicts.get(certificate)
  if (verdict === undefined) {
    verdict = checkDeviceCertificate(person, device, memberKey, certificate)
    verdicts.set(certificate, verdict)
  }
  return verdict
}

/** The person a create or join makes its author: the one its certificate names, or the device itself. */
export function claimedPerson(deviceHex: string, memberKey: Uint8Array, claim: PersonClaim): string {
  if (claim.person === undefined || claim.certificate === undefined) return deviceHex
  if (!certified(claim.person, fromHex(deviceHex), memberKey, claim.certificate)) {
    throw new NotAuthorizedError(
      `${deviceHex.slice(0, 8)} claims to be a device of ${toHex(claim.person).slice(0, 8)}, but that person's certificate for it does not hold`
    )
  }
  return toHex(claim.person)
}

/** The devices of `person` that are members, sorted. */
export function devicesOf(members: ReadonlyMap<string, Member>, person: string): string[] {
  return [...members.values()]
    .filter((m) => m.person === person)
    .map((m) => m.key)
    .sort()
}

/** The person `key` names: the person of a member device, or a person with member devices. */
export function personNamed(members: ReadonlyMap<string, Member>, key: string): string | undefined {
  return members.get(key)?.person ?? (devicesOf(members, key).length > 0 ? key : undefined)
}

/** The members as people: role, display name (the person's first device's, else another device's) and devices; sorted by person key. */
export function peopleOf(members: ReadonlyMap<string, Member>, names: ReadonlyMap<string, string>): MemberInfo[] {
  const people = new Map<string, MemberInfo>()
  for (const key of [...members.keys()].sort()) {
    const member = members.get(key) as Member
    const info = people.get(member.person) ?? { key: member.person, role: member.role, displayName: '', devices: [] }
    info.devices.push(key)
    people.set(member.person, info)
  }
  for (const info of people.values()) {
    info.displayName = names.get(info.key) ?? info.devices.map((d) => names.get(d)).find((n) => n !== undefined) ?? ''
  }
  return [...people.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
}

export function linkDevice(state: MembershipState, entry: EntryRef, op: LinkDeviceOperation): MembershipState {
  const author = entry.authorHex
  requireMember(state, author, actionOf(op.type))
  const linker = state.members.get(author) as Member
  const device = toHex(op.device)
  if (state.members.has(device)) throw new NotAuthorizedError(`${device.slice(0, 8)} is already a member`)
  if (state.departed.get(device)?.reason === 'removed') {
    throw new NotAuthorizedError(`${device.slice(0, 8)} was removed or revoked here and cannot be linked again`)
  }
  if (!certified(fromHex(linker.person), op.device, op.memberKey, op.certificate)) {
    throw new NotAuthorizedError(`the certificate for ${device.slice(0, 8)} is not ${linker.person.slice(0, 8)}'s, whose device links it`)
  }
  if (devicesOf(state.members, linker.person).length >= MAX_DEVICES_PER_PERSON) {
    throw new NotAuthorizedError(`a person has at most ${MAX_DEVICES_PER_PERSON} devices in a group`)
  }
  const departed = new Map(state.departed)
  departed.delete(device)
  return state.with({
    members: new Map(state.members).set(device, { key: device, role: linker.role, memberKey: op.memberKey, person: linker.person }),
    departed
  })
}

export function revokeDevice(state: MembershipState, entry: EntryRef, op: RevokeDeviceOperation, granted: EpochInfo | undefined): MembershipState {
  const author = entry.authorHex
  requireMember(state, author, actionOf(op.type))
  const device = toHex(op.device)
  if ((state.members.get(author) as Member).person !== author) {
    throw new NotAuthorizedError("only a person's first device, whose key is the person's, revokes the person's devices")
  }
  if (device === author) throw new NotAuthorizedError("a person's first device cannot revoke itself")
  if (state.members.get(device)?.person !== author)
    throw new NotAuthorizedError(`${device.slice(0, 8)} is not a device of ${author.slice(0, 8)} here`)
  const members = new Map(state.members)
  members.delete(device)
  const recipients = [...members.keys()].sort()
  if (granted === undefined) state.requireGrantFor(recipients, op.grant.sealed.length)
  const departed = new Map(state.departed).set(device, { reason: 'removed' as const, at: entry })
  return state.with({
    members,
    departed,
    epochs: [...state.epochs, granted ?? newEpoch(entry, recipients, op.covers, departed)],
    gaps: new Map(state.gaps).set(device, [...(state.gaps.get(device) ?? []), { after: op.seenSeq, until: Number.POSITIVE_INFINITY }])
  })
}

/** The author's person leaves, with every device of theirs. The caller checked the author is a member. */
export function leavePerson(state: MembershipState, entry: EntryRef): MembershipState {
  const members = new Map(state.members)
  const departed = new Map(state.departed)
  for (const device of devicesOf(state.members, (state.members.get(entry.authorHex) as Member).person)) {
    members.delete(device)
    departed.set(device, { reason: 'left', at: entry })
  }
  return state.with({ members, departed })
}

/** An admin (the caller checked) removes a person, with every device of theirs, and starts an epoch none of them gets. */
export function removePerson(state: MembershipState, entry: EntryRef, op: RemoveOperation, granted: EpochInfo | undefined): MembershipState {
  const target = toHex(op.member)
  const person = personNamed(state.members, target)
  if (person === undefined) throw new NotAuthorizedError(`${target.slice(0, 8)} is not a member, so cannot be removed`)
  const seen = new Map<string, number>([[target, op.seenSeq], ...(op.also ?? []).map(([d, s]): [string, number] => [toHex(d), s])])
  const members = new Map(state.members)
  const departed = new Map(state.departed)
  const gaps = new Map(state.gaps)
  for (const device of devicesOf(state.members, person)) {
    members.delete(device)
    departed.set(device, { reason: 'removed', at: entry })
    // a device linked concurrently, which the remover never saw, is hidden from its first entry
    gaps.set(device, [...(state.gaps.get(device) ?? []), { after: seen.get(device) ?? 0, until: Number.POSITIVE_INFINITY }])
  }
  const recipients = [...members.keys()].sort()
  if (granted === undefined) state.requireGrantFor(recipients, op.grant.sealed.length)
  return state.with({ members, departed, gaps, epochs: [...state.epochs, granted ?? newEpoch(entry, recipients, op.covers, departed)] })
}

/** An admin (the caller checked) sets a person's role: every device of theirs has it. */
export function setPersonRole(state: MembershipState, op: RoleOperation): MembershipState {
  const target = toHex(op.member)
  const person = personNamed(state.members, target)
  if (person === undefined) throw new NotAuthorizedError(`${target.slice(0, 8)} is not a member, so has no role to change`)
  const members = new Map(state.members)
  for (const device of devicesOf(state.members, person)) members.set(device, { ...(state.members.get(device) as Member), role: op.role })
  return state.with({ members })
}

function newEpoch(entry: EntryRef, recipients: string[], covers: Uint8Array[], departed: MembershipState['departed']): EpochInfo {
  const after = [...new Set([...departed.values()].map((d) => d.at.idHex))]
  return { id: entry.idHex.slice(0, EPOCH_ID_BYTES * 2), recipients, covers: covers.map(toHex), after, entry }
}
