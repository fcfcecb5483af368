/**
 * Writing to the log as this device: messages under the current epoch
 * (rekeying first when there is none this device holds the key of),
 * membership operations under the first; each entry admitted as any peer
 * would admit it, stored, then committed. Every write waits its turn in the
 * log's queue.
 */
import type { Operation } from '../chat/operations.ts'
import type { StoredView } from '../chat/stored-view.ts'
import { rowsAt } from '../chat/view-rows.ts'
import type { Entry } from '../codec/entry-codec.ts'
import { fromHex, toHex } from '../codec/hex.ts'
import { MAX_DISAPPEARING_MS } from '../constants.ts'
import type { XChaChaAead } from '../crypto/body-cipher.ts'
import type { EpochKeys } from '../crypto/epoch-keys.ts'
import type { MemberKeyPair } from '../crypto/member-key.ts'
import type { X25519 } from '../crypto/x25519.ts'
import { DisappearingNotAllowedError, EpochKeyMissingError, GroupNotSyncedError } from '../errors.ts'
import { Frontier } from '../group/frontier.ts'
import { MEMBERSHIP_TYPES, type PersonClaim, type Role } from '../group/membership-operations.ts'
import type { EpochInfo, MembershipState } from '../group/membership-state.ts'
import { actionOf } from '../group/standing.ts'
import type { DeviceKey } from '../identity/device-key.ts'
import type { Signatures } from '../identity/signatures.ts'
import { type Store, storedEntryOf } from '../store/store.ts'
import { type Admission, type AdmissionContext, admit } from './admission.ts'
import type { CommittedMembership } from './committed-membership.ts'
import { type Accepted, factsOf } from './entry-acceptance.ts'
import type { EntryIndex } from './entry-index.ts'
import { writeEntry } from './entry-writer.ts'
import type { AddResult, EntrySource, LogEntry } from './log-entry.ts'
import { draftInvite, draftJoin, draftRekey, draftRemove, draftRevokeDevice } from './membership-writer.ts'
import { orderKey } from './order.ts'

export interface OwnWritesComponents {
  key: DeviceKey
  memberKey: MemberKeyPair
  signatures: Signatures
  aead: XChaChaAead
  /** Seals the grants of new epochs (GroupLogInit.x25519). */
  x25519: X25519
  now: () => number
  groupId: Uint8Array
  /** This device's person claim, for a linked device: its joins carry it. */
  person: PersonClaim
  keys: EpochKeys
  store: Store
  index: EntryIndex
  committed: CommittedMembership
  admission: AdmissionContext
  /** The log's queue: runs `work` after everything queued before it. */
  run<T>(work: () => Promise<T>): Promise<T>
  /** Makes an admitted entry part of the log. */
  commit(admission: Admission, entry: Entry, result: AddResult): LogEntry
  /** The view, told which entries' rows went to the store with them. */
  view: Pick<StoredView, 'stored'>
  /** Work once the entry is in the store: its view rows, shown times, a view refreshed. */
  settle(accepted: Accepted[], fresh: boolean): Promise<void>
  /** Tells listeners what was added. */
  announce(result: AddResult, source: EntrySource, encodings?: Uint8Array[]): void
}

export class OwnWrites {
  private readonly components: OwnWritesComponents
  private readonly keyHex: string

  constructor(components: OwnWritesComponents) {
    this.components = components
    this.keyHex = toHex(components.key.publicKey)
  }

  /** Writes as this device; resolves once durable. Messages go under a granted epoch (rekeying first if none is usable or its key has not reached this device yet), never the secret's; membership under the first. */
  append(op: Operation, options: { expires?: number } = {}): Promise<LogEntry> {
    const { committed, keys } = this.components
    const expires = options.expires
    return this.components.run(async () => {
      if (expires !== undefined) checkExpiry(op, expires, this.components.now())
      if (MEMBERSHIP_TYPES.has(op.type)) return this.appendNow(op, '')
      const state = committed.requireMember(actionOf(op.type))
      let epoch = state.writingEpoch()
      if (epoch === undefined || !keys.has(epoch.id)) {
        await this.rekeyNow()
        epoch = (committed.state as MembershipState).writingEpoch() as EpochInfo
      }
      if (!keys.has(epoch.id)) throw new EpochKeyMissingError()
      return this.appendNow(op, epoch.id, expires)
    })
  }

  /** Records an invite in the log; returns the id the link must carry. */
  async invite(options: { singleUse?: boolean; expires?: number } = {}): Promise<Uint8Array> {
    const { op, inviteId } = draftInvite(options)
    await this.append(op)
    return inviteId
  }

  /** Joins with an invite id, once the invite's record has arrived (see GroupLog.inviteUsable); a linked device says whose it is. */
  join(inviteId: Uint8Array): Promise<LogEntry> {
    const { committed, key, memberKey, person } = this.components
    return this.append({ ...draftJoin(committed.state, inviteId, key.publicKey, memberKey.publicKey), ...person })
  }

  leave(): Promise<LogEntry> {
    return this.append({ type: 'leave' })
  }

  setRole(memberHex: string, role: Role): Promise<LogEntry> {
    return this.append({ type: 'role', member: fromHex(memberHex), role })
  }

  /** Removes a member and starts a new epoch whose key the removed member never gets. */
  remove(memberHex: string): Promise<LogEntry> {
    const { committed, keys, groupId, index } = this.components
    return this.components.run(() => {
      committed.requireMember(actionOf('remove'))
      return this.appendNow(
        (state) => draftRemove(memberHex, (device) => index.chains.maxSeq(device), state, keys, groupId, this.components.x25519),
        ''
      )
    })
  }

  /** Revokes another device of this person: it leaves the group, and a new epoch goes to everyone else. */
  revokeDevice(deviceHex: string): Promise<LogEntry> {
    const { committed, keys, groupId, index } = this.components
    return this.components.run(() => {
      committed.requireMember(actionOf('revoke-device'))
      return this.appendNow((state) => draftRevokeDevice(deviceHex, index.chains.maxSeq(deviceHex), state, keys, groupId, this.components.x25519), '')
    })
  }

  /** Starts a new epoch for the current members. */
  rekey(): Promise<LogEntry> {
    return this.components.run(() => {
      this.components.committed.requireMember(actionOf('rekey'))
      return this.rekeyNow()
    })
  }

  /**
   * A rekey grants the members its entry stands on: those in its parents'
   * past. More concurrent membership changes than an entry may name as
   * parents (MAX_PARENTS) take more than one: each names the newest heads,
   * so each covers more, until every member holds the key.
   */
  private async rekeyNow(): Promise<LogEntry> {
    const { keys, groupId, committed, index } = this.components
    const rekey = (state: MembershipState) => draftRekey(state, keys, groupId, this.components.x25519)
    let covered = standingOn(index.next(this.keyHex).parents, index).memberKeys().length
    let last = await this.appendNow(rekey, '')
    for (let more = 0; more < MAX_REKEYS_AT_ONCE; more++) {
      const members = committed.state?.memberKeys().length ?? 0
      const next = standingOn(index.next(this.keyHex).parents, index).memberKeys().length
      // every member covered, or the next could cover no more: done
      if (covered >= members || next <= covered) break
      last = await this.appendNow(rekey, '')
      covered = next
    }
    return last
  }

  /** Writes `op`, or the operation `draft` makes from the membership its entry stands on (its parents'). */
  private async appendNow(draft: Operation | ((state: MembershipState) => Operation), epochHex: string, expires?: number): Promise<LogEntry> {
    const { index, keys } = this.components
    if (index.size === 0) throw new GroupNotSyncedError()
    const place = index.next(this.keyHex)
    const op = typeof draft === 'function' ? draft(standingOn(place.parents, index)) : draft
    const entry = await writeEntry(
      this.components.key,
      this.components.signatures,
      {
        group: this.components.groupId,
        ...place,
        time: this.components.now(),
        epoch: fromHex(epochHex),
        ...(expires === undefined ? {} : { expires }),
        op,
        epochKey: keys.getHex(epochHex) as Uint8Array
      },
      this.components.aead
    )
    const idHex = toHex(entry.id)
    // checked before it is stored: an entry this device would reject must not be kept or sent
    const admission = admit(entry, idHex, this.components.admission)
    const key = orderKey(entry)
    // durable first: what append resolves with survives a crash
    await this.components.store.putEntries(this.components.groupId, [storedEntryOf(entry, factsOf(admission.node), key)], rowsAt(admission.node, key))
    this.components.view.stored(idHex)
    const result: AddResult = { added: [], duplicates: 0, pending: 0, rejected: [], equivocations: [] }
    const node = this.components.commit(admission, entry, result)
    result.added.push(node)
    try {
      await this.components.settle([{ entry, node, key }], true)
    } finally {
      index.release()
    }
    this.components.announce(result, 'local', [entry.bytes])
    return node
  }
}

/** An expiry is for what a message shows, after now and within the longest timer. */
function checkExpiry(op: Operation, expires: number, now: number): void {
  if (MEMBERSHIP_TYPES.has(op.type) || op.type === 'create' || op.type === 'profile') {
    throw new DisappearingNotAllowedError(`a ${op.type} operation cannot disappear: only messages and changes to them can`)
  }
  if (!Number.isSafeInteger(expires) || expires <= now || expires - now > MAX_DISAPPEARING_MS) {
    throw new DisappearingNotAllowedError(`a message disappears after it is written and within ${MAX_DISAPPEARING_MS / 86_400_000} days`)
  }
}

/** Rekeys one call may write to bring every member the key (see rekeyNow). */
const MAX_REKEYS_AT_ONCE = 16

/** The membership an entry with these parents stands on. */
function standingOn(parents: readonly Uint8Array[], index: EntryIndex): MembershipState {
  return Frontier.merge(parents.map((p) => (index.get(toHex(p)) as LogEntry).frontier)).state
}
