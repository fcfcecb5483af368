/**
 * Who is in a group and what each may do, as of one point of the log: a pure
 * fold of the membership operations (genesis, invite, join, leave, remove,
 * role, rekey) in entry order. States are immutable; `apply` returns a new
 * one or throws NotAuthorizedError saying which rule the operation breaks.
 *
 * Rules: the creator is the first admin; any member may invite; a join needs
 * an invite recorded in the log, made by someone still a member, not revoked,
 * unexpired and, if single-use, unused (invite-records.ts); only admins
 * remove members, change roles and revoke invites; any member may rekey;
 * every new epoch key is granted to exactly the members of that moment, and
 * messages go only under such granted keys, never under the first epoch's
 * (derived from the group secret every invite link carries). Where
 * concurrent changes conflict, replaying them in entry order decides (see
 * `fold`).
 */

import type { CreateGroupOperation } from '../chat/operations.ts'
import { toHex } from '../codec/hex.ts'
import { EPOCH_ID_BYTES } from '../constants.ts'
import { InvalidJoinError, type JoinVoid, NotAuthorizedError } from '../errors.ts'
import { compareOrder, type Ordered } from '../log/order.ts'
import { unreadableOf, writingEpochOf } from './epoch-readers.ts'
import {
  checkJoin,
  type InviteInfo,
  type InviteStatus,
  inviteStatus,
  recordInvite,
  revokeInvite,
  usableInviteSince,
  voidJoinOf
} from './invite-records.ts'
import type { MembershipOperation, Role } from './membership-operations.ts'
import { claimedPerson, devicesOf, leavePerson, linkDevice, peopleOf, removePerson, revokeDevice, setPersonRole } from './person-devices.ts'
import { actionOf, type Gap, requireAdmin, requireMember } from './standing.ts'

export type { InviteInfo, InviteStatus, InviteView } from './invite-records.ts'
export type { Gap, Standing } from './standing.ts'

export interface EntryRef extends Ordered {
  seq: number
  time: number
}

export interface Member {
  /** Device key, hex. */
  key: string
  role: Role
  /** X25519 key for receiving group keys. */
  memberKey: Uint8Array
  /** The person this device is (hex of the person key, their first device's): the device itself unless linked (person-devices.ts). */
  person: string
}

/** A member as people see one: a person, with the devices that write for them. */
export interface MemberInfo {
  /** The person key, hex: their first device's key. */
  key: string
  role: Role
  displayName: string
  /** The person's devices in the group, sorted. */
  devices: string[]
}

export interface EpochInfo {
  /** '' for the first epoch, else hex of the first 16 bytes of the entry that made it. */
  id: string
  /** Device keys (hex, sorted) the key was granted to; null for the first epoch, which every holder of the group secret has. */
  recipients: string[] | null
  /** Epochs whose keys its history carries. */
  covers: string[]
  /** Ids of the departures (leave, remove) in effect in the causal past of the entry that made it, a removal's own included. */
  after: string[]
  entry: Ordered
}

interface Departure {
  /** A device revoked by its person is 'removed' too. */
  reason: 'removed' | 'left'
  at: Ordered
}

export class MembershipState {
  /** The group's id (hex): its genesis entry's. */
  readonly group: string
  readonly members: ReadonlyMap<string, Member>
  readonly departed: ReadonlyMap<string, Departure>
  readonly invites: ReadonlyMap<string, InviteInfo>
  readonly epochs: readonly EpochInfo[]
  readonly gaps: ReadonlyMap<string, readonly Gap[]>
  private gapsInReading?: ReadonlyMap<string, readonly string[]>
  /** ownKeys of the last device asked about: a state never changes, and every message shown asks (notifications, mentions). */
  private ownKeysOf?: { device: string; keys: ReadonlySet<string> }

  private constructor(from: Pick<MembershipState, 'group' | 'members' | 'departed' | 'invites' | 'epochs' | 'gaps'>) {
    this.group = from.group
    this.members = from.members
    this.departed = from.departed
    this.invites = from.invites
    this.epochs = from.epochs
    this.gaps = from.gaps
  }

  static genesis(entry: EntryRef, op: CreateGroupOperation): MembershipState {
    return new MembershipState({
      group: entry.idHex,
      members: new Map([
        [entry.authorHex, { key: entry.authorHex, role: 'admin', memberKey: op.memberKey, person: claimedPerson(entry.authorHex, op.memberKey, op) }]
      ]),
      departed: new Map(),
      invites: new Map(),
      epochs: [{ id: '', recipients: null, covers: [], after: [], entry }],
      gaps: new Map()
    })
  }

  /**
   * Replays operations in entry order from the genesis; one no longer allowed
   * at its place has no effect. A new epoch keeps the recipients it was
   * granted to where it was written (`epoch`), even if the replay has
   * removed one of them meanwhile: such an epoch is then not used for writing
   * (see writingEpoch) and a member rekeys.
   */
  static fold(
    genesis: { ref: EntryRef; op: CreateGroupOperation },
    ops: ReadonlyArray<{ ref: EntryRef; op: MembershipOperation; epoch?: EpochInfo }>
  ): MembershipState {
    let state = MembershipState.genesis(genesis.ref, genesis.op)
    for (const { ref, op, epoch } of ops) {
      try {
        state = state.apply(ref, op, epoch)
      } catch (err) {
        // a rule broken at its place in the replay, as opposed to a fault
        if (!(err instanceof NotAuthorizedError)) throw err
        // the change has no effect here, but its key exists and entries use it: keep the epoch,
        // so members it was not granted to are seen to need a rekey (whose history brings it)
        if (epoch !== undefined) state = state.with({ epochs: [...state.epochs, epoch] })
        // a join that turns out void (its invite's maker removed first, the invite used or expired):
        // the device never was a member, and what it wrote believing it was is hidden like a removed
        // member's unseen writes, until a join of its that holds
        if (op.type === 'join') state = state.outsideFrom(ref, voidJoinOf(err))
      }
    }
    return state
  }

  /** Device keys of the members, sorted: the order of a grant's sealed keys. */
  memberKeys(): string[] {
    return [...this.members.keys()].sort()
  }

  /** The members as people, with roles, the display names given and devices, sorted by person key. */
  list(names: ReadonlyMap<string, string>): MemberInfo[] {
    return peopleOf(this.members, names)
  }

  /** The person a member device is (its own key unless linked); undefined for a device that is no member. */
  personOf(deviceHex: string): string | undefined {
    return this.members.get(deviceHex)?.person
  }

  /**
   * The keys that are `deviceHex`'s own person's in this group: the device,
   * its person key, and every member device of that person. What one of them
   * wrote is "yours", a mention of one mentions you.
   */
  ownKeys(deviceHex: string): ReadonlySet<string> {
    if (this.ownKeysOf?.device === deviceHex) return this.ownKeysOf.keys
    const person = this.personOf(deviceHex) ?? deviceHex
    const keys: ReadonlySet<string> = new Set([deviceHex, person, ...devicesOf(this.members, person)])
    this.ownKeysOf = { device: deviceHex, keys }
    return keys
  }

  /**
   * Whether a device removed from the group could come back: an invite made
   * after its removal exists and can still be used. Until then peers give it
   * nothing.
   */
  mayRejoin(keyHex: string): boolean {
    const gone = this.departed.get(keyHex)
    return gone?.reason !== 'removed' || usableInviteSince(this, gone.at)
  }

  role(authorHex: string): Role | undefined {
    return this.members.get(authorHex)?.role
  }

  /** Whether a join by `joiner` could use the invite with this id now. */
  inviteStatus(inviteId: Uint8Array, joiner: string): InviteStatus {
    return inviteStatus(this, inviteId, joiner)
  }

  /** Throws NotMemberError unless `authorHex` may write here; `action` says what it was doing (see actionOf). */
  authorizeWriter(authorHex: string, action = actionOf('')): void {
    requireMember(this, authorHex, action)
  }

  /** The epoch new messages go under; undefined when a rekey must come first (epoch-readers.ts says which and why). */
  writingEpoch(): EpochInfo | undefined {
    return writingEpochOf(this)
  }

  /**
   * Whether a rekey is due: no usable epoch though messages have had one, or
   * a member who cannot read some epoch — neither granted its key nor given
   * it in the history of an epoch they can read (a newcomer, whose valid join
   * this state holds). A rekey by a member who holds such a key brings it to
   * all. A group whose only epoch is the first needs none until someone
   * writes a message: `append` makes the first granted epoch then.
   */
  needsRekey(): boolean {
    return (this.writingEpoch() === undefined && this.epochs.length > 1) || this.unreadable().size > 0
  }

  /** Epochs (ids) that members cannot read though another member can, by member. Computed once per state. */
  unreadable(): ReadonlyMap<string, readonly string[]> {
    this.gapsInReading ??= unreadableOf(this)
    return this.gapsInReading
  }

  apply(entry: EntryRef, op: MembershipOperation, granted?: EpochInfo): MembershipState {
    const author = entry.authorHex
    switch (op.type) {
      case 'invite':
        this.authorizeWriter(author, actionOf(op.type))
        return this.with({ invites: recordInvite(this, author, op, entry) })
      case 'revoke-invite':
        requireAdmin(this, author, actionOf(op.type))
        return this.with({ invites: revokeInvite(this, author, op, entry) })
      case 'join': {
        if (this.members.has(author)) throw new NotAuthorizedError(`${author.slice(0, 8)} is already a member`)
        const { token, invite } = checkJoin(this, op, author, entry.time)
        const gone = this.departed.get(author)
        if (gone?.reason === 'removed' && compareOrder(invite.at, gone.at) < 0) {
          throw new InvalidJoinError('before removal', token, 'a removed member can only come back with an invite made after the removal')
        }
        const person = claimedPerson(author, op.memberKey, op)
        const departed = new Map(this.departed)
        departed.delete(author)
        const gaps = this.closeGap(author, entry.seq)
        // a device of a person already here joins with the person's role
        const role = this.members.get(devicesOf(this.members, person)[0] ?? '')?.role ?? 'member'
        return this.with({
          members: new Map(this.members).set(author, { key: author, role, memberKey: op.memberKey, person }),
          departed,
          invites: new Map(this.invites).set(token, { ...invite, usedBy: author }),
          gaps
        })
      }
      case 'leave':
        this.authorizeWriter(author, actionOf(op.type))
        return leavePerson(this, entry)
      case 'remove':
        requireAdmin(this, author, actionOf(op.type))
        return removePerson(this, entry, op, granted)
      case 'role':
        requireAdmin(this, author, actionOf(op.type))
        return setPersonRole(this, op)
      case 'rekey': {
        this.authorizeWriter(author, actionOf(op.type))
        const recipients = this.memberKeys()
        if (granted === undefined) this.requireGrantFor(recipients, op.grant.sealed.length)
        const after = [...this.departed.values()].map((d) => d.at.idHex)
        return this.with({ epochs: [...this.epochs, granted ?? { id: epochIdOf(entry), recipients, covers: op.covers.map(toHex), after, entry }] })
      }
      case 'link-device':
        return linkDevice(this, entry, op)
      case 'revoke-device':
        return revokeDevice(this, entry, op, granted)
    }
  }

  /** Throws unless a new epoch key is granted to each of `recipients`. */
  requireGrantFor(recipients: string[], sealed: number): void {
    if (sealed !== recipients.length) {
      throw new NotAuthorizedError(`a new group key must be granted to each of the ${recipients.length} members, not ${sealed}`)
    }
  }

  /** A copy where the author of `ref`, if not a member, is out of the group from that entry on (a join of its, void for `why`). */
  private outsideFrom(ref: EntryRef, why: JoinVoid | undefined): MembershipState {
    const author = ref.authorHex
    if (this.members.has(author)) return this
    const list = this.gaps.get(author) ?? []
    if (list.some((g) => g.until === Number.POSITIVE_INFINITY)) return this
    const gap: Gap = { after: ref.seq - 1, until: Number.POSITIVE_INFINITY, ...(why === undefined ? {} : { voidJoin: why }) }
    return this.with({ gaps: new Map(this.gaps).set(author, [...list, gap]) })
  }

  private closeGap(author: string, seq: number): ReadonlyMap<string, readonly Gap[]> {
    const list = this.gaps.get(author)
    if (list === undefined) return this.gaps
    return new Map(this.gaps).set(
      author,
      list.map((g) => (g.until === Number.POSITIVE_INFINITY ? { after: g.after, until: seq } : g))
    )
  }

  /** A copy with some parts replaced. */
  with(changes: Partial<Pick<MembershipState, 'members' | 'departed' | 'invites' | 'epochs' | 'gaps'>>): MembershipState {
    return new MembershipState({
      group: this.group,
      members: changes.members ?? this.members,
      departed: changes.departed ?? this.departed,
      invites: changes.invites ?? this.invites,
      epochs: changes.epochs ?? this.epochs,
      gaps: changes.gaps ?? this.gaps
    })
  }
}

/** An epoch is named by the first 16 bytes of the entry that made it. */
export function epochIdOf(entry: Ordered): string {
  return entry.idHex.slice(0, EPOCH_ID_BYTES * 2)
}

/** Whether an entry of `authorHex` with `seq` falls in a time its author was out of the group. */
export function inGap(gaps: ReadonlyMap<string, readonly Gap[]>, authorHex: string, seq: number): boolean {
  const list = gaps.get(authorHex)
  return list?.some((g) => seq > g.after && seq < g.until) === true
}
