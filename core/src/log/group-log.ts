/**
 * GroupLog: one group's entries as a hash-linked DAG that merges like a CRDT.
 * Entries are added from any source in any order; those whose parents have
 * not arrived wait (pending-entries.ts), the rest are admitted or rejected
 * (admission.ts: structure, membership, body), stored, ordered and applied to
 * the view. The membership operations they carry decide who may write, and
 * the grants in them bring this device the keys of new epochs.
 *
 * ```ts
 * const log = await GroupLog.create({ name: 'Climbing', key, store })
 * await log.append({ type: 'message', text: 'Sunday at 10?' })
 * log.view.messages().messages // [{ text: 'Sunday at 10?', ... }]
 * ```
 */
import { TypedEventEmitter } from 'main-event'
import type { CreateGroupOperation, Operation } from '../chat/operations.ts'
import { GroupView, type ViewEntry } from '../chat/view.ts'
import type { Entry } from '../codec/entry-codec.ts'
import { fromHex, toHex } from '../codec/hex.ts'
import { nobleXChaCha, type XChaChaAead } from '../crypto/body-cipher.ts'
import { EpochKeys } from '../crypto/epoch-keys.ts'
import { groupTopic, syncAuthKey } from '../crypto/group-keys.ts'
import { type MemberKeyPair, memberKeyPair } from '../crypto/member-key.ts'
import { EpochKeyMissingError, GroupNotSyncedError } from '../errors.ts'
import { Frontier } from '../group/frontier.ts'
import { MEMBERSHIP_TYPES, type MembershipOperation, type RekeyOperation, type RemoveOperation, type Role } from '../group/membership-operations.ts'
import { type EpochInfo, epochIdOf, type InviteStatus, inGap, type MemberInfo, type MembershipState } from '../group/membership-state.ts'
import { actionOf, type Standing, standingOf } from '../group/standing.ts'
import type { DeviceKey } from '../identity/device-key.ts'
import { libp2pSignatures, type Signatures } from '../identity/signatures.ts'
import { type Store, storedEntryOf } from '../store/store.ts'
import { type Admission, type AdmissionContext, admit } from './admission.ts'
import type { Equivocation } from './author-chains.ts'
import { intake } from './batch-intake.ts'
import { EntryIndex } from './entry-index.ts'
import { writeEntry, writeGenesis } from './entry-writer.ts'
import { learnFromGrant } from './key-learning.ts'
import type { AddOptions, AddResult, EntrySource, GroupLogEvents, GroupLogInit, LogEntry, Rejection } from './log-entry.ts'
import { draftInvite, draftJoin, draftRekey, draftRemove } from './membership-writer.ts'
import { missingParents, PendingEntries } from './pending-entries.ts'
import { SealedEntries } from './sealed-entries.ts'
import { loadFromStore } from './store-loading.ts'

export type { MemberInfo } from '../group/membership-state.ts'
export type { Equivocation } from './author-chains.ts'
export type { AddOptions, AddResult, EntriesAdded, EntrySource, GroupLogEvents, GroupLogInit, LogEntry, Rejection } from './log-entry.ts'

export class GroupLog extends TypedEventEmitter<GroupLogEvents> {
  readonly id: Uint8Array
  readonly idHex: string
  readonly secret: Uint8Array
  readonly topic: string
  /** Key for proving membership during sync (crypto/group-keys.ts). */
  readonly syncKey: Uint8Array
  readonly view = new GroupView()
  readonly keys: EpochKeys

  private readonly key: DeviceKey
  private readonly keyHex: string
  private readonly memberKey: MemberKeyPair
  private readonly store: Store
  private readonly signatures: Signatures
  private readonly aead: XChaChaAead
  private readonly now: () => number
  private readonly index = new EntryIndex()
  private readonly pending = new PendingEntries()
  private readonly sealed = new SealedEntries()
  /** The operation that made each epoch. */
  private readonly grants = new Map<string, RekeyOperation | RemoveOperation>()
  /** Every membership operation in the log, and the state they make. */
  private current: Frontier | undefined
  private blocked = new Set<string>()
  private queue: Promise<unknown> = Promise.resolve()

  private constructor(init: GroupLogInit) {
    super()
    this.id = init.groupId
    this.idHex = toHex(init.groupId)
    this.secret = init.secret
    this.topic = groupTopic(init.secret)
    this.syncKey = syncAuthKey(init.secret)
    this.keys = new EpochKeys(init.secret)
    this.key = init.key
    this.keyHex = toHex(init.key.publicKey)
    this.memberKey = memberKeyPair(init.key)
    this.store = init.store
    this.signatures = init.signatures ?? libp2pSignatures()
    this.aead = init.aead ?? nobleXChaCha
    this.now = init.now ?? Date.now
    this.view.exclude((e) => this.hidden(e))
  }

  /** Creates a new group: a fresh secret and a signed genesis entry, stored. This device is its first admin. */
  static async create(init: Omit<GroupLogInit, 'groupId' | 'secret'> & { name: string }): Promise<GroupLog> {
    const signatures = init.signatures ?? libp2pSignatures()
    const now = init.now ?? Date.now
    const { genesis, secret } = await writeGenesis(init.key, signatures, init.name, now(), init.aead ?? nobleXChaCha)
    await init.store.putGroup({ id: genesis.id, secret, name: init.name, addedAt: now() })
    const log = new GroupLog({ ...init, signatures, groupId: genesis.id, secret })
    const result = await log.add([genesis], { trusted: true, source: 'local' })
    if (result.rejected.length > 0) throw (result.rejected[0] as Rejection).error
    return log
  }

  /** Opens a group known to the store (or joined but still empty) and loads its entries (store-loading.ts). */
  static async open(init: GroupLogInit): Promise<GroupLog> {
    const log = new GroupLog(init)
    await loadFromStore(log, init.store, init.groupId, init)
    return log
  }

  get size(): number {
    return this.index.size
  }

  get pendingCount(): number {
    return this.pending.size
  }

  /** Entries this device cannot read yet (no epoch key) that it would show: not those the view leaves out anyway. */
  get sealedCount(): number {
    return this.sealed.entries().filter((node) => !this.hidden(node)).length
  }

  isPending(idHex: string): boolean {
    return this.pending.has(idHex)
  }

  get(idHex: string): LogEntry | undefined {
    return this.index.get(idHex)
  }

  /** Entries in the total order. The array is the log's own: do not change it. */
  entries(): readonly LogEntry[] {
    return this.index.entries()
  }

  /** The encodings of the entries with these ids, as gossip and sync send them, read from the store; undefined where not held. */
  getEntries(ids: Uint8Array[]): Promise<Array<Uint8Array | undefined>> {
    return this.store.getEntries(this.id, ids)
  }

  /** Ids of the entries no other entry names as a parent, sorted bytewise. */
  heads(): Uint8Array[] {
    return this.index.heads()
  }

  authorSeqs(): Map<string, number> {
    return this.index.chains.seqs()
  }

  equivocations(): Equivocation[] {
    return this.index.chains.equivocations()
  }

  /** Ids waiting entries need: what to ask peers for. */
  missing(): Uint8Array[] {
    return this.pending.missing()
  }

  /** Membership as of everything in the log; undefined until the genesis has arrived. */
  membership(): MembershipState | undefined {
    return this.current?.state
  }

  /** The members with their roles and display names, sorted by device key. */
  members(): MemberInfo[] {
    return this.current?.state.list(this.view.displayNames()) ?? []
  }

  /** Where a device (this one by default) stands in the group: member, removed, left, join void, or not joined. */
  standing(keyHex = this.keyHex): Standing {
    return standingOf(this.current?.state, keyHex)
  }

  isMember(): boolean {
    return this.current?.state.members.has(this.keyHex) === true
  }

  /** Whether this device can write messages now: a member holding the key of the current epoch. */
  canWrite(): boolean {
    const epoch = this.current?.state.writingEpoch()
    return this.isMember() && (epoch === undefined || this.keys.has(epoch.id))
  }

  /** Whether a member should rekey: someone is not covered by the current epoch, or there is none. */
  needsRekey(): boolean {
    return this.current?.state.needsRekey() === true
  }

  /** Whether the log records an invite with this id that a join could still use. */
  inviteUsable(inviteId: Uint8Array): InviteStatus {
    return this.current?.state.inviteStatus(inviteId, this.keyHex) ?? 'unknown'
  }

  /** Hides a member's entries on this device (a local choice, not written to the log). */
  setBlocked(blocked: Iterable<string>): void {
    this.blocked = new Set(blocked)
    this.rebuildView()
  }

  /** Adds entries (encoded or decoded) from anywhere; see AddResult for what happened to each. Those from the store are not stored again. */
  add(input: Array<Uint8Array | Entry>, options: AddOptions = {}): Promise<AddResult> {
    return this.run(() => this.addNow(input, options))
  }

  /** Writes as this device; resolves once durable. Messages go under a granted epoch (rekeying first if none is usable or its key has not reached this device yet), never the secret's; membership under the first. */
  append(op: Operation): Promise<LogEntry> {
    return this.run(async () => {
      if (MEMBERSHIP_TYPES.has(op.type)) return this.appendNow(op, '')
      const state = this.requireMember(actionOf(op.type))
      let epoch = state.writingEpoch()
      if (epoch === undefined || !this.keys.has(epoch.id)) {
        await this.appendNow(draftRekey(state, this.keys, this.id), '')
        epoch = (this.current as Frontier).state.writingEpoch() as EpochInfo
      }
      if (!this.keys.has(epoch.id)) throw new EpochKeyMissingError()
      return this.appendNow(op, epoch.id)
    })
  }

  /** Records an invite in the log; returns the id the link must carry. */
  async invite(options: { singleUse?: boolean; expires?: number } = {}): Promise<Uint8Array> {
    const { op, inviteId } = draftInvite(options)
    await this.append(op)
    return inviteId
  }

  /** Joins with an invite id, once the invite's record has arrived (see inviteUsable). */
  join(inviteId: Uint8Array): Promise<LogEntry> {
    return this.append(draftJoin(this.current?.state, inviteId, this.key.publicKey, this.memberKey.publicKey))
  }

  leave(): Promise<LogEntry> {
    return this.append({ type: 'leave' })
  }

  setRole(memberHex: string, role: Role): Promise<LogEntry> {
    return this.append({ type: 'role', member: fromHex(memberHex), role })
  }

  /** Removes a member and starts a new epoch whose key the removed member never gets. */
  remove(memberHex: string): Promise<LogEntry> {
    return this.run(() =>
      this.appendNow(draftRemove(memberHex, this.index.chains.maxSeq(memberHex), this.requireMember(actionOf('remove')), this.keys, this.id), '')
    )
  }

  /** Starts a new epoch for the current members. */
  rekey(): Promise<LogEntry> {
    return this.run(() => this.appendNow(draftRekey(this.requireMember(actionOf('rekey')), this.keys, this.id), ''))
  }

  private requireMember(action: string): MembershipState {
    if (this.current === undefined) throw new GroupNotSyncedError()
    this.current.state.authorizeWriter(this.keyHex, action)
    return this.current.state
  }

  private async appendNow(op: Operation, epochHex: string): Promise<LogEntry> {
    if (this.index.size === 0) throw new GroupNotSyncedError()
    const entry = await writeEntry(
      this.key,
      this.signatures,
      {
        group: this.id,
        ...this.index.next(this.keyHex),
        time: this.now(),
        epoch: fromHex(epochHex),
        op,
        epochKey: this.keys.getHex(epochHex) as Uint8Array
      },
      this.aead
    )
    const idHex = toHex(entry.id)
    // checked before it is stored: an entry this device would reject must not be kept or sent
    const admission = admit(entry, idHex, this.admissionContext())
    // durable first: what append resolves with survives a crash
    await this.store.putEntries(this.id, [storedEntryOf(entry)])
    const result: AddResult = { added: [], duplicates: 0, pending: 0, rejected: [], equivocations: [] }
    const node = this.commit(admission, entry, result)
    result.added.push(node)
    this.announce(result, 'local', [entry.bytes])
    return node
  }

  private run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work)
    this.queue = next.catch(() => undefined)
    return next
  }

  private async addNow(input: Array<Uint8Array | Entry>, options: AddOptions): Promise<AddResult> {
    const batch = await intake(input, {
      groupId: this.id,
      known: (idHex) => this.index.has(idHex) || this.pending.has(idHex),
      signatures: this.signatures,
      trusted: options.trusted === true
    })
    const result: AddResult = { added: [], duplicates: batch.duplicates, pending: 0, rejected: batch.rejected, equivocations: [] }
    const stillPending = new Set<string>()
    const accepted: Entry[] = []
    for (const entry of batch.fresh) this.accept(entry, result, stillPending, accepted)
    result.pending = stillPending.size
    if (options.source !== 'store' && accepted.length > 0) await this.store.putEntries(this.id, accepted.map(storedEntryOf))
    this.announce(result, options.source ?? 'import', options.source === 'local' ? accepted.map((e) => e.bytes) : undefined)
    return result
  }

  private announce(result: AddResult, source: EntrySource, encodings?: Uint8Array[]): void {
    if (result.added.length > 0)
      this.safeDispatchEvent('entries', { detail: { entries: result.added, source, ...(encodings === undefined ? {} : { encodings }) } })
    for (const e of result.equivocations) this.safeDispatchEvent('equivocation', { detail: e })
  }

  /** Accepts the entry if its predecessors are present, then whatever was waiting on it. */
  private accept(first: Entry, result: AddResult, stillPending: Set<string>, accepted: Entry[]): void {
    const work = [first]
    while (work.length > 0) {
      const entry = work.pop() as Entry
      const idHex = toHex(entry.id)
      if (this.index.has(idHex)) continue
      const missing = missingParents(entry, (h) => this.index.has(h))
      if (missing.length > 0) {
        this.pending.hold(entry, idHex, missing)
        stillPending.add(idHex)
        continue
      }
      this.pending.forget(idHex)
      stillPending.delete(idHex)
      try {
        result.added.push(this.commit(admit(entry, idHex, this.admissionContext()), entry, result))
        accepted.push(entry)
      } catch (error) {
        result.rejected.push({ id: idHex, error: error as Error })
        continue
      }
      work.push(...this.pending.release(idHex))
    }
  }

  private admissionContext(): AdmissionContext {
    return { node: (idHex) => this.index.get(idHex), keys: this.keys, aead: this.aead }
  }

  /** Makes an admitted entry part of the log: indexes, heads, chains, membership, keys, view. */
  private commit(admission: Admission, entry: Entry, result: AddResult): LogEntry {
    const node = admission.node
    const equivocation = this.index.insert(node, entry.parents.map(toHex))
    this.index.capTimes(node)
    if (equivocation !== undefined) result.equivocations.push(equivocation)
    if (node.sealed) this.sealed.hold(node, entry.bytes)
    if (admission.membership !== undefined) this.membershipChanged(node, admission.membership)
    else if (node.op !== undefined) this.view.apply(node)
    return node
  }

  private membershipChanged(node: LogEntry, op: MembershipOperation | CreateGroupOperation): void {
    if (op.type === 'create') this.view.apply(node)
    const gapsBefore = this.current?.state.gaps
    this.current = this.current === undefined ? node.frontier : Frontier.merge([this.current, node.frontier])
    if (op.type === 'rekey' || op.type === 'remove') {
      this.grants.set(epochIdOf(node), op)
      const learned = learnFromGrant(node, op, {
        me: this.memberKey,
        myHex: this.keyHex,
        groupId: this.id,
        keys: this.keys,
        grantOf: (epoch) => this.grants.get(epoch)
      })
      this.unsealEpochs(learned)
    }
    // a removal hides what the removed member wrote unseen; the view is rebuilt to drop it
    if (gapsBefore !== undefined && this.current.state.gaps !== gapsBefore) this.rebuildView()
    this.safeDispatchEvent('membership')
  }

  private unsealEpochs(epochs: string[]): void {
    const opened = this.sealed.open(epochs, { keys: this.keys, aead: this.aead })
    for (const node of opened) this.view.apply(node)
    if (opened.length > 0) this.safeDispatchEvent('unsealed', { detail: { entries: opened } })
  }

  /** Entries the view leaves out: written by a member while out of the group, or blocked here. */
  private hidden(e: ViewEntry): boolean {
    if (this.blocked.has(e.authorHex)) return true
    const gaps = this.current?.state.gaps
    return gaps !== undefined && inGap(gaps, e.authorHex, e.seq)
  }

  private rebuildView(): void {
    this.view.reset()
    for (const node of this.index.entries()) if (node.op !== undefined) this.view.apply(node)
    this.safeDispatchEvent('rebuilt')
  }
}
