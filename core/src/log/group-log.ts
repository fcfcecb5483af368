/**
 * GroupLog: one group's entries as a hash-linked DAG that merges like a CRDT.
 * Entries are added from any source in any order (entry-acceptance.ts): those
 * whose parents have not arrived wait (pending-entries.ts), the rest are
 * admitted or rejected (admission.ts), committed (log-commits.ts) and stored
 * with their facts and view rows. Membership operations decide who may write,
 * and their grants bring this device the keys of new epochs
 * (committed-membership.ts). This device writes through own-writes.ts. In
 * memory a group keeps its heads, authors' latest entries, frontiers, keys and
 * a few recent entries (entry-index.ts); its history and view are in the store,
 * read a page at a time (stored-view.ts, stored-entries.ts).
 *
 * ```ts
 * const log = await GroupLog.create({ name: 'Climbing', key, store })
 * await log.append({ type: 'message', text: 'Sunday at 10?' })
 * (await log.view.messages({ limit: 50 })).messages // [{ text: 'Sunday at 10?', ... }]
 * ```
 */
import { TypedEventEmitter } from 'main-event'
import type { Operation } from '../chat/operations.ts'
import type { StoredView } from '../chat/stored-view.ts'
import type { Entry } from '../codec/entry-codec.ts'
import { toHex } from '../codec/hex.ts'
import { nobleXChaCha, type XChaChaAead } from '../crypto/body-cipher.ts'
import { EpochKeys } from '../crypto/epoch-keys.ts'
import { groupTopic, syncAuthKey } from '../crypto/group-keys.ts'
import type { Frontier } from '../group/frontier.ts'
import type { Role } from '../group/membership-operations.ts'
import type { InviteStatus, MemberInfo, MembershipState } from '../group/membership-state.ts'
import { type Standing, standingOf } from '../group/standing.ts'
import { libp2pSignatures } from '../identity/signatures.ts'
import type { AuthorActivity, KeyRange, Store } from '../store/store.ts'
import type { Bucket } from '../sync/order-buckets.ts'
import type { AdmissionContext } from './admission.ts'
import type { Equivocation } from './author-tips.ts'
import type { PreparedBatch } from './batch-intake.ts'
import type { CommittedMembership } from './committed-membership.ts'
import type { EntryAcceptance } from './entry-acceptance.ts'
import type { EntryIndex } from './entry-index.ts'
import { writeGenesis } from './entry-writer.ts'
import { assembleLog } from './log-assembly.ts'
import type { LogCommits } from './log-commits.ts'
import type { AddOptions, AddResult, EntrySource, GroupLogEvents, GroupLogInit, LogEntry, Rejection } from './log-entry.ts'
import type { LogExpiry } from './log-expiry.ts'
import { openStoredLog } from './log-opening.ts'
import type { OwnWrites } from './own-writes.ts'
import { type ReadPage, type ReadResult, readStoredEntries } from './stored-entries.ts'
import type { VisibleEntries } from './visible-entries.ts'
import { WorkQueue } from './work-queue.ts'

export type { MemberInfo } from '../group/membership-state.ts'
export type { Equivocation } from './author-tips.ts'
export type { AddOptions, AddResult, EntriesAdded, EntrySource, GroupLogEvents, GroupLogInit, LogEntry, Rejection } from './log-entry.ts'

export class GroupLog extends TypedEventEmitter<GroupLogEvents> {
  readonly id: Uint8Array
  readonly idHex: string
  readonly secret: Uint8Array
  readonly topic: string
  /** Key for proving membership during sync (crypto/group-keys.ts). */
  readonly syncKey: Uint8Array
  readonly view: StoredView
  readonly keys: EpochKeys

  private readonly keyHex: string
  private readonly aead: XChaChaAead
  private readonly store: Store
  private readonly index: EntryIndex
  private readonly committed: CommittedMembership
  private readonly writes: OwnWrites
  private readonly acceptance: EntryAcceptance
  private readonly visible: VisibleEntries
  private readonly commits: LogCommits
  private readonly admission: AdmissionContext
  private readonly expiry: LogExpiry
  private readonly queue = new WorkQueue()
  /** Whether sync's summary of the order was asked for once entries came from peers (warmOrderBuckets). */
  private orderBucketsWarming = false

  private constructor(init: GroupLogInit) {
    super()
    this.id = init.groupId
    this.idHex = toHex(init.groupId)
    this.secret = init.secret
    this.topic = groupTopic(init.secret)
    this.syncKey = syncAuthKey(init.secret)
    this.keys = new EpochKeys(init.secret)
    this.keyHex = toHex(init.key.publicKey)
    this.store = init.store
    const parts = assembleLog(init, {
      keys: this.keys,
      queue: this.queue,
      announce: (result, source, encodings) => this.announce(result, source, encodings),
      rebuilt: () => this.safeDispatchEvent('rebuilt'),
      membershipChanged: () => this.safeDispatchEvent('membership'),
      unsealed: (entries) => this.safeDispatchEvent('unsealed', { detail: { entries } })
    })
    this.aead = parts.aead
    this.index = parts.index
    this.admission = parts.admission
    this.committed = parts.committed
    this.writes = parts.writes
    this.acceptance = parts.acceptance
    this.view = parts.view
    this.visible = parts.visible
    this.commits = parts.commits
    this.expiry = parts.expiry
  }

  /** Creates a new group: a fresh secret and a signed genesis entry, stored. This device is its first admin. */
  static async create(init: Omit<GroupLogInit, 'groupId' | 'secret'> & { name: string }): Promise<GroupLog> {
    const signatures = init.signatures ?? libp2pSignatures()
    const now = init.now ?? Date.now
    const { genesis, secret } = await writeGenesis(init.key, signatures, init.name, now(), init.aead ?? nobleXChaCha, init.person)
    await init.store.putGroup({ id: genesis.id, secret, name: init.name, addedAt: now() })
    const log = new GroupLog({ ...init, signatures, groupId: genesis.id, secret })
    const result = await log.add([genesis], { trusted: true, source: 'local' })
    if (result.rejected.length > 0) throw (result.rejected[0] as Rejection).error
    return log
  }

  /**
   * Opens a group known to the store (or joined but still empty): from its
   * facts and membership entries (log-opening.ts), or, for entries stored
   * without facts, by reading every entry (store-loading.ts).
   */
  static async open(init: GroupLogInit): Promise<GroupLog> {
    const log = new GroupLog(init)
    const { id: groupId, store, index, committed, visible: sealed, view, queue, acceptance } = log
    await openStoredLog({ groupId, store, index, admission: log.admission, committed, sealed, view, queue, acceptance }, init)
    return log
  }

  get size(): number {
    return this.index.size
  }

  get pendingCount(): number {
    return this.acceptance.pending.size
  }

  /** Entries this device cannot read yet (no epoch key) that it would show: not those the view leaves out anyway. */
  get sealedCount(): number {
    return this.visible.sealedCount
  }

  isPending(idHex: string): boolean {
    return this.acceptance.pending.has(idHex)
  }

  /** A recent entry, a head or an author's latest, as held in memory; older entries are in the store (getEntries). */
  get(idHex: string): LogEntry | undefined {
    return this.index.get(idHex)
  }

  /** The history in order, a page at a time, read from the store: each entry with its operation where this device can read it. */
  readEntries(page: ReadPage): Promise<ReadResult> {
    return readStoredEntries(this.store, this.id, { keys: this.keys, aead: this.aead }, page)
  }

  /** Order keys of the stored entries in a range, in order (log/order.ts): what sync reconciles. */
  listKeys(range: KeyRange): Promise<Uint8Array[]> {
    return this.store.listKeys(this.id, range)
  }

  /** The order cut into buckets with their counts and fingerprints, for sync (order-buckets.ts); built at the first call. */
  orderBuckets(): Promise<readonly Bucket[]> {
    return this.queue.run(() => this.commits.buckets.current())
  }

  /** The encodings of the entries with these ids, as gossip and sync send them, read from the store; undefined where not held. */
  getEntries(ids: Uint8Array[]): Promise<Array<Uint8Array | undefined>> {
    return this.store.getEntries(this.id, ids)
  }

  /** Ids of the entries no other entry names as a parent, sorted bytewise. */
  heads(): Uint8Array[] {
    return this.index.heads()
  }

  /** The frontier with this key (EntryFacts.frontier) that entries of this log stand on. */
  frontierOf(key: string): Frontier | undefined {
    return this.index.frontierByKey(key)
  }

  /** The author's latest entry (the last written, if the author forked). */
  latestOf(authorHex: string): LogEntry | undefined {
    return this.index.chains.latest(authorHex)
  }

  authorSeqs(): Map<string, number> {
    return this.index.chains.seqs()
  }

  equivocations(): Equivocation[] {
    return this.index.chains.equivocations()
  }

  /** Ids waiting entries need: what to ask peers for. */
  missing(): Uint8Array[] {
    return this.acceptance.pending.missing()
  }

  /** Membership as of everything in the log; undefined until the genesis has arrived. */
  membership(): MembershipState | undefined {
    return this.committed.state
  }

  /** The members with their roles and display names, sorted by device key. */
  /** This device's person's keys in the group (MembershipState.ownKeys): its own alone before the group's membership is known. */
  ownKeys(): ReadonlySet<string> {
    return this.membership()?.ownKeys(this.keyHex) ?? new Set([this.keyHex])
  }

  members(): MemberInfo[] {
    return this.committed.state?.list(this.view.displayNames()) ?? []
  }

  /** Where a device (this one by default) stands in the group: member, removed, left, join void, or not joined. */
  standing(keyHex = this.keyHex): Standing {
    return standingOf(this.committed.state, keyHex)
  }

  isMember(): boolean {
    return this.committed.isMember()
  }

  /** Whether this device can write messages now: a member holding the key of the current epoch. */
  canWrite(): boolean {
    return this.committed.canWrite()
  }

  /** Whether a member should rekey: someone is not covered by the current epoch, or there is none. */
  needsRekey(): boolean {
    return this.committed.state?.needsRekey() === true
  }

  /** Whether the log records an invite with this id that a join could still use. */
  inviteUsable(inviteId: Uint8Array): InviteStatus {
    return this.committed.inviteUsable(inviteId)
  }

  /** How many messages each author wrote (of those this device can read) and when they last wrote anything, read from the store. */
  activity(): Promise<Map<string, AuthorActivity>> {
    return this.store.authorActivity(this.id)
  }

  /** Hides a member's entries on this device (a local choice, not written to the log); resolves once the view is rebuilt. */
  setBlocked(blocked: Iterable<string>): Promise<void> {
    const list = [...blocked]
    return this.queue.run(() => this.visible.setBlocked(list))
  }

  /** Starts decoding and checking entries from a peer before their turn; give the result to `add` with the same array. */
  prepare(entries: Uint8Array[]): PreparedBatch {
    return this.acceptance.prepare(entries)
  }

  /** Adds entries (encoded or decoded) from anywhere; see AddResult for what happened to each. Those from the store are not stored again. */
  add(input: Array<Uint8Array | Entry>, options: AddOptions = {}): Promise<AddResult> {
    const added = this.queue.run(() => this.acceptance.add(input, options))
    if ((options.source === 'gossip' || options.source === 'sync') && !this.orderBucketsWarming) this.warmOrderBuckets()
    return added
  }

  /**
   * A log taking in peers' entries is live: sync's summary of its order is
   * built now, after this batch, so that it is kept up to date from here on
   * rather than read whole from the store in the middle of a catch-up. A
   * failure here (a store closing) leaves it to be built at the first question.
   */
  private warmOrderBuckets(): void {
    this.orderBucketsWarming = true
    this.queue.run(() => this.commits.buckets.current()).catch(() => undefined)
  }

  /**
   * Writes as this device; resolves once durable. Messages go under a granted epoch (rekeying first if none is usable or its key has not reached this device yet), never the secret's; membership under the first.
   * `expires` (ms) makes it disappear then: a message, or a change to one (never a membership operation).
   */
  append(op: Operation, options: { expires?: number } = {}): Promise<LogEntry> {
    return this.writes.append(op, options)
  }

  /** Erases the bodies of disappearing messages past their deadline (log-expiry.ts); tells listeners which ('erased'). */
  async eraseExpired(): Promise<string[]> {
    const { ids, files } = await this.queue.run(() => this.expiry.eraseDue())
    if (ids.length > 0) this.safeDispatchEvent('erased', { detail: { ids, files } })
    return ids
  }

  /** When the next body held is due to be erased (ms); undefined when none is. */
  nextExpiry(): Promise<number | undefined> {
    return this.expiry.next()
  }

  /** Records an invite in the log; returns the id the link must carry. */
  invite(options: { singleUse?: boolean; expires?: number } = {}): Promise<Uint8Array> {
    return this.writes.invite(options)
  }

  /** Joins with an invite id, once the invite's record has arrived (see inviteUsable). */
  join(inviteId: Uint8Array): Promise<LogEntry> {
    return this.writes.join(inviteId)
  }

  leave(): Promise<LogEntry> {
    return this.writes.leave()
  }

  setRole(memberHex: string, role: Role): Promise<LogEntry> {
    return this.writes.setRole(memberHex, role)
  }

  /** Removes a member and starts a new epoch whose key the removed member never gets. */
  remove(memberHex: string): Promise<LogEntry> {
    return this.writes.remove(memberHex)
  }

  /** Starts a new epoch for the current members. */
  rekey(): Promise<LogEntry> {
    return this.writes.rekey()
  }

  /** Brings in another device of this device's person, which the person certified (identity/device-certificate.ts). */
  linkDevice(device: Uint8Array, memberKey: Uint8Array, certificate: Uint8Array): Promise<LogEntry> {
    return this.writes.append({ type: 'link-device', device, memberKey, certificate })
  }

  /** Takes another device of this person out of the group (this must be the person's first device), with an epoch it never gets. */
  revokeDevice(deviceHex: string): Promise<LogEntry> {
    return this.writes.revokeDevice(deviceHex)
  }

  private announce(result: AddResult, source: EntrySource, encodings?: Uint8Array[]): void {
    if (result.added.length > 0)
      this.safeDispatchEvent('entries', { detail: { entries: result.added, source, ...(encodings === undefined ? {} : { encodings }) } })
    for (const e of result.equivocations) this.safeDispatchEvent('equivocation', { detail: e })
  }
}
