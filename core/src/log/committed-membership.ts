/**
 * The group's membership as committed entries make it: every membership
 * operation's frontier merged into one, the operation that made each epoch,
 * and the epoch keys their grants bring this device.
 */
import type { CreateGroupOperation } from '../chat/operations.ts'
import type { EpochKeys } from '../crypto/epoch-keys.ts'
import type { MemberKeyPair } from '../crypto/member-key.ts'
import type { X25519 } from '../crypto/x25519.ts'
import { GroupNotSyncedError } from '../errors.ts'
import { Frontier } from '../group/frontier.ts'
import { type EpochMaking, type MembershipOperation, makesEpoch } from '../group/membership-operations.ts'
import { epochIdOf, type InviteStatus, type MembershipState } from '../group/membership-state.ts'
import { learnFromGrant } from './key-learning.ts'
import type { LogEntry } from './log-entry.ts'

export interface CommittedMembershipComponents {
  /** This device's member key pair, which grants seal epoch keys to. */
  memberKey: MemberKeyPair
  /** Opens the grants (GroupLogInit.x25519). */
  x25519: X25519
  /** This device's key, hex. */
  keyHex: string
  groupId: Uint8Array
  keys: EpochKeys
}

/** What committing a membership operation changed, for the log to bring its view up to date. */
export interface MembershipChange {
  /** Epochs whose keys this device just learned: their sealed entries can open. */
  learned: string[]
  /** The gaps changed: a removal hides what the removed member wrote unseen. */
  gapsChanged: boolean
}

export class CommittedMembership {
  /** The operation that made each epoch. */
  private readonly grants = new Map<string, EpochMaking>()
  /** Every membership operation in the log, and the state they make. */
  private current: Frontier | undefined
  private readonly components: CommittedMembershipComponents

  constructor(components: CommittedMembershipComponents) {
    this.components = components
  }

  /** Membership as of everything committed; undefined until the genesis has arrived. */
  get state(): MembershipState | undefined {
    return this.current?.state
  }

  /** Epochs made so far whose key this device lacks. */
  unreadableEpochs(): string[] {
    return (this.state?.epochs ?? []).map((e) => e.id).filter((id) => !this.components.keys.has(id))
  }

  /** Whether this device is a member now. */
  isMember(): boolean {
    return this.state?.members.has(this.components.keyHex) === true
  }

  /** Whether this device can write messages now: a member holding the key of the current epoch. */
  canWrite(): boolean {
    const epoch = this.state?.writingEpoch()
    return this.isMember() && (epoch === undefined || this.components.keys.has(epoch.id))
  }

  /** Whether the log records an invite with this id that a join by this device could still use. */
  inviteUsable(inviteId: Uint8Array): InviteStatus {
    return this.state?.inviteStatus(inviteId, this.components.keyHex) ?? 'unknown'
  }

  /** The current state, if this device may do `action` in it; throws why not otherwise. */
  requireMember(action: string): MembershipState {
    if (this.current === undefined) throw new GroupNotSyncedError()
    this.current.state.authorizeWriter(this.components.keyHex, action)
    return this.current.state
  }

  /** Takes in a committed membership operation: merges its frontier and learns the keys its grant brings this device. */
  record(node: LogEntry, op: MembershipOperation | CreateGroupOperation): MembershipChange {
    const gapsBefore = this.current?.state.gaps
    this.current = this.current === undefined ? node.frontier : Frontier.merge([this.current, node.frontier])
    let learned: string[] = []
    if (makesEpoch(op)) {
      this.grants.set(epochIdOf(node), op)
      learned = learnFromGrant(node, op, {
        me: this.components.memberKey,
        x25519: this.components.x25519,
        myHex: this.components.keyHex,
        groupId: this.components.groupId,
        keys: this.components.keys,
        grantOf: (epoch) => this.grants.get(epoch)
      })
    }
    return { learned, gapsChanged: gapsBefore !== undefined && this.current.state.gaps !== gapsBefore }
  }
}
