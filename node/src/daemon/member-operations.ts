/**
 * MemberOperations: what the control API can ask about and do to the
 * members of a group — list them from the group's membership, remove them,
 * change their roles, leave; compare safety numbers and record the members
 * verified; block and unblock. Membership changes are entries core checks
 * on every peer; verification and blocking are this device's own choices,
 * kept in its store.
 */

import { fromHex, type GroupLog, personNamed, type Role, requireAnotherAdmin, safetyNumber, toHex } from '@causette/core'
import type {
  BlockedResponse,
  BlockResponse,
  LeaveResponse,
  MembersResponse,
  MemberView,
  PersonView,
  RemoveResponse,
  RoleResponse,
  SafetyNumberResponse
} from '../api/api-types.ts'
import { InvalidRequestError, SafetyNumberMismatchError, UnknownMemberError } from '../errors.ts'
import { nodeSha512 } from '../node-hashes.ts'
import type { GroupAuthors } from './authors.ts'
import type { DaemonParts } from './daemon.ts'
import type { KnownGroup } from './group-directory.ts'
import { linkViews } from './link-views.ts'
import { asArgument, describe, findMember } from './member-lookup.ts'

const ROLE_ORDER: Record<Role, number> = { admin: 0, moderator: 1, member: 2 }
const SAFETY_NUMBER_DIGITS = 60

/** A group, its open log, and how its people read. */
interface GroupContext {
  known: KnownGroup
  log: GroupLog
  people: GroupAuthors
}

/** What member operations work with, and nothing more. */
export type MemberComponents = Pick<DaemonParts, 'peer' | 'directory' | 'authors' | 'verified' | 'blockList' | 'dialer'>

export class MemberOperations {
  private readonly parts: MemberComponents

  constructor(parts: MemberComponents) {
    this.parts = parts
  }

  private get self(): string {
    return this.parts.authors.self
  }

  /** The person this device is (their first device's key): how member lists, safety numbers and refusals name "you". */
  private get me(): string {
    return this.parts.peer.libp2p.services.groups.personKey()
  }

  /** The member's presence as its signals say (this device: as it shares it). */
  private presenceOf(groupId: string, key: string): Pick<MemberView, 'presence' | 'lastSeen'> {
    const { signals } = this.parts.peer
    if (key === this.me) return { presence: signals.sharing ? 'online' : 'offline' }
    const { state, lastSeen } = signals.presence(groupId, key)
    return { presence: state, ...(lastSeen === undefined ? {} : { lastSeen }) }
  }

  async members(ref: string): Promise<MembersResponse> {
    const { known, log, people } = await this.open(ref)
    const { peer, verified, blockList, authors } = this.parts
    const online = new Set<string>()
    for (const connection of peer.libp2p.getConnections()) {
      const key = connection.remotePeer.publicKey
      if (key !== undefined) online.add(toHex(key.raw))
    }
    const unreachable = new Map<string, number>()
    for (const link of linkViews(peer.status(log.idHex).links, people))
      if (!link.connected && link.notDialled !== true) unreachable.set(link.key, link.since)
    const activity = await log.activity()
    const blocked = new Set(blockList.keys())
    const members: MemberView[] = log.members().map((m) => ({
      ...this.person(people, m.key),
      role: m.role,
      verified: verified.isVerified(m.key, authors.fingerprint(m.key)),
      blocked: blocked.has(m.key),
      // a person's activity is all their devices'
      ...personActivity(m.devices, activity),
      devices: m.devices,
      connected: m.devices.some((d) => d !== this.self && online.has(d)),
      ...this.presenceOf(log.idHex, m.key),
      ...(m.key === this.me || online.has(m.key) || !unreachable.has(m.key) ? {} : { unreachableSince: unreachable.get(m.key) as number })
    }))
    members.sort(
      (a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff') || (a.key < b.key ? -1 : 1)
    )
    return { group: known.ref, membership: log.standing(), members }
  }

  /** Removes a member (admins only); the group moves to a key the removed member never gets. */
  async remove(ref: string, memberRef: string): Promise<RemoveResponse> {
    const { known, log, people } = await this.open(ref)
    const key = this.currentMember({ known, log, people }, memberRef)
    if (key === this.me) throw new InvalidRequestError(`to leave ${known.name} yourself, use \`causette leave ${asArgument(known.name)}\``)
    await this.parts.peer.removeMember(log.idHex, key)
    return { group: known.ref, removed: this.person(people, key) }
  }

  async setRole(ref: string, memberRef: string, role: Role): Promise<RoleResponse> {
    const { known, log, people } = await this.open(ref)
    const key = this.currentMember({ known, log, people }, memberRef)
    const current = log.membership()?.role(key)
    if (current === role) return { group: known.ref, member: this.person(people, key), role, changed: false }
    if (key === this.me) requireAnotherAdmin(log.membership(), this.self, 'stop being an admin')
    await this.parts.peer.setRole(log.idHex, key, role)
    return { group: known.ref, member: this.person(people, key), role, changed: true }
  }

  /** Leaves the group: this device stops writing there and, at the next key rotation, reading what others write. */
  async leave(ref: string, options: { force: boolean }): Promise<LeaveResponse> {
    const { known, log } = await this.open(ref)
    // core's rule, asked for before leaving: a write does not apply it, since `--force` may leave the group adminless
    if (!options.force) requireAnotherAdmin(log.membership(), this.self, 'leave')
    await this.parts.peer.leaveGroup(log.idHex)
    return { group: known.ref }
  }

  async safetyNumber(ref: string, memberRef: string): Promise<SafetyNumberResponse> {
    const group = await this.open(ref)
    const key = this.otherPerson(group, memberRef, 'compare safety numbers with')
    return this.safetyView(group, key)
  }

  /** Records the member as verified if `digits` (spaces allowed) are the safety number this device computes; else records nothing. */
  async verify(ref: string, memberRef: string, digits: string): Promise<SafetyNumberResponse> {
    const group = await this.open(ref)
    const key = this.otherPerson(group, memberRef, 'verify')
    const given = digits.replace(/\s+/g, '')
    if (!/^\d+$/.test(given) || given.length !== SAFETY_NUMBER_DIGITS) {
      throw new InvalidRequestError(
        `a safety number is ${SAFETY_NUMBER_DIGITS} digits (spaces do not matter); what was given has ${given.replace(/\D/g, '').length} digits${/^\d*$/.test(given) ? '' : ' and other characters'}`
      )
    }
    const view = this.safetyView(group, key)
    if (view.safetyNumber.replace(/\s+/g, '') !== given) {
      throw new SafetyNumberMismatchError(
        `the safety number given does not match the one this device computes with ${describe(group.people, key)}: nothing was recorded. Compare again, digit by digit; if they still differ, you are not talking to the key you think`
      )
    }
    this.parts.verified.put({
      key,
      fingerprint: view.member.fingerprint,
      verifiedAt: Date.now(),
      ...(view.member.name === undefined ? {} : { name: view.member.name })
    })
    return { ...view, verified: true }
  }

  async unverify(ref: string, memberRef: string): Promise<SafetyNumberResponse> {
    const group = await this.open(ref)
    const key = this.otherPerson(group, memberRef, 'unverify')
    this.parts.verified.delete(key)
    return this.safetyView(group, key)
  }

  /** Blocks a member on this device: their messages are hidden here and their device's connections refused. */
  async block(ref: string, memberRef: string): Promise<BlockResponse> {
    const group = await this.open(ref)
    const key = this.otherPerson(group, memberRef, 'block')
    const { blockList, peer } = this.parts
    const member = this.person(group.people, key)
    const changed = !blockList.has(key)
    blockList.add({ key, blockedAt: Date.now(), ...(member.name === undefined ? {} : { name: member.name }) })
    if (changed) await peer.setBlocked(blockList.keys())
    return { member, blocked: true, changed }
  }

  async unblock(ref: string, memberRef: string): Promise<BlockResponse> {
    const group = await this.open(ref)
    const key = this.otherPerson(group, memberRef, 'unblock')
    const { blockList, peer } = this.parts
    const changed = blockList.delete(key)
    if (changed) {
      await peer.setBlocked(blockList.keys())
      // its connections were cut when it was blocked; the other members' gossip may not reach it without one
      void this.parts.dialer.redialMember(key)
    }
    return { member: this.person(group.people, key), blocked: false, changed }
  }

  blocked(): BlockedResponse {
    const { blockList, authors } = this.parts
    return {
      blocked: blockList.list().map((b) => ({
        key: b.key,
        fingerprint: authors.fingerprint(b.key),
        blockedAt: b.blockedAt,
        ...(b.name === undefined ? {} : { name: b.name })
      }))
    }
  }

  private async open(ref: string): Promise<GroupContext> {
    const { directory, authors, blockList } = this.parts
    const known = directory.resolve(ref)
    const log = await directory.openLog(known)
    // a blocked member's own profile entries are hidden too: the name they had when blocked stands in
    const inGroup = new Set(everyone(log, []))
    const fallback = new Map(blockList.list().flatMap((b) => (b.name === undefined || !inGroup.has(b.key) ? [] : [[b.key, b.name] as const])))
    return { known, log, people: authors.of(log, fallback) }
  }

  private person(people: GroupAuthors, key: string): PersonView {
    return { key, ...people.view(key) }
  }

  /** The member `memberRef` names, who must be in the group now. */
  private currentMember({ known, log, people }: GroupContext, memberRef: string): string {
    const state = log.membership()
    const key = findMember({ groupName: known.name, keys: everyone(log, this.parts.blockList.keys()), people, personOf: personOf(log) }, memberRef)
    if (state !== undefined && personNamed(state.members, key) !== undefined) return key
    const who = describe(people, key)
    const gone = state?.departed.get(key)?.reason
    if (gone === 'removed') throw new UnknownMemberError(`${who} was removed from ${known.name} already`)
    if (gone === 'left') throw new UnknownMemberError(`${who} left ${known.name} and is no longer a member`)
    throw new UnknownMemberError(`${who} is not a member of ${known.name}`)
  }

  /** Anyone `memberRef` names — member, former member or blocked device — but not this device. */
  private otherPerson({ known, log, people }: GroupContext, memberRef: string, doing: string): string {
    const key = findMember({ groupName: known.name, keys: everyone(log, this.parts.blockList.keys()), people, personOf: personOf(log) }, memberRef)
    if (key === this.me) throw new InvalidRequestError(`that is you: there is no one to ${doing}`)
    return key
  }

  private safetyView({ known, people }: GroupContext, key: string): SafetyNumberResponse {
    const member = this.person(people, key)
    return {
      group: known.ref,
      member,
      safetyNumber: safetyNumber(fromHex(this.me), fromHex(key), nodeSha512),
      verified: this.parts.verified.isVerified(key, member.fingerprint)
    }
  }
}

/** The person a device of the group is: its person key while a member, else itself. */
function personOf(log: GroupLog): (device: string) => string {
  const members = log.membership()?.members
  return (device) => members?.get(device)?.person ?? device
}

/** Every device a member reference may name in the group: members, former members, and blocked devices. */
function everyone(log: GroupLog, blocked: string[]): string[] {
  const state = log.membership()
  return [...(state?.members.keys() ?? []), ...(state?.departed.keys() ?? []), ...blocked]
}

/** A person's messages and latest entry, over all their devices. */
function personActivity(
  devices: readonly string[],
  activity: ReadonlyMap<string, { messages: number; lastActive: number }>
): { messages: number; lastActive: number } {
  let messages = 0
  let lastActive = 0
  for (const d of devices) {
    const a = activity.get(d)
    if (a === undefined) continue
    messages += a.messages
    lastActive = Math.max(lastActive, a.lastActive)
  }
  return { messages, lastActive }
}
