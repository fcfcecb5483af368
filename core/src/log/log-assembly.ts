/**
 * The parts of one group's log and how they are wired to each other: the
 * index of entries in memory, the membership the log has committed, this
 * device's writes, the intake of others', the view in the store, what the
 * reader leaves out and what waits sealed, the commits that tie them
 * together, and the erasure of disappearing messages. GroupLog (group-log.ts)
 * is the API over them; it owns the queue every change runs in and the
 * events listeners hear.
 */
import { StoredView } from '../chat/stored-view.ts'
import { toHex } from '../codec/hex.ts'
import { nobleXChaCha, type XChaChaAead } from '../crypto/body-cipher.ts'
import type { EpochKeys } from '../crypto/epoch-keys.ts'
import { memberKeyPair } from '../crypto/member-key.ts'
import { defaultX25519 } from '../crypto/x25519.ts'
import { libp2pSignatures } from '../identity/signatures.ts'
import type { AdmissionContext } from './admission.ts'
import { CommittedMembership } from './committed-membership.ts'
import { EntryAcceptance } from './entry-acceptance.ts'
import { EntryIndex } from './entry-index.ts'
import { LogCommits } from './log-commits.ts'
import type { AddResult, EntrySource, GroupLogInit, LogEntry } from './log-entry.ts'
import { LogExpiry } from './log-expiry.ts'
import { OwnWrites } from './own-writes.ts'
import { ShownTimes } from './shown-times.ts'
import { VisibleEntries } from './visible-entries.ts'
import type { WorkQueue } from './work-queue.ts'

export interface LogParts {
  aead: XChaChaAead
  index: EntryIndex
  admission: AdmissionContext
  committed: CommittedMembership
  writes: OwnWrites
  acceptance: EntryAcceptance
  view: StoredView
  visible: VisibleEntries
  commits: LogCommits
  expiry: LogExpiry
}

/** What the parts need of the log that holds them. */
export interface LogHost {
  keys: EpochKeys
  queue: WorkQueue
  /** Tells listeners what a batch added (entries, equivocations). */
  announce(result: AddResult, source: EntrySource, encodings?: Uint8Array[]): void
  /** The view was rebuilt from scratch. */
  rebuilt(): void
  /** Membership, roles or epochs changed. */
  membershipChanged(): void
  /** Sealed entries became readable. */
  unsealed(entries: LogEntry[]): void
}

export function assembleLog(init: GroupLogInit, host: LogHost): LogParts {
  const { groupId, store } = init
  const now = init.now ?? Date.now
  const signatures = init.signatures ?? libp2pSignatures()
  const aead = init.aead ?? nobleXChaCha
  const keys = host.keys
  // the parts name each other through `parts`, filled in below: each is called only once all exist
  const parts = {} as LogParts
  const index = new EntryIndex((ids) => store.getFacts(groupId, ids), init.recentEntries)
  const admission: AdmissionContext = { node: (idHex) => index.get(idHex), frontier: (f) => index.frontier(f), keys, aead }
  const x25519 = init.x25519 ?? defaultX25519
  const memberKey = memberKeyPair(init.key, x25519)
  const committed = new CommittedMembership({ memberKey, x25519, keyHex: toHex(init.key.publicKey), groupId, keys })
  const shared = {
    commit: (a: Parameters<LogCommits['commit']>[0], entry: Parameters<LogCommits['commit']>[1], result: AddResult, equivocation?: string[]) =>
      parts.commits.commit(a, entry, result, equivocation),
    settle: (accepted: Parameters<LogCommits['settle']>[0], fresh: boolean) => parts.commits.settle(accepted, fresh),
    announce: host.announce
  }
  const writes = new OwnWrites({
    key: init.key,
    memberKey,
    person: init.person ?? {},
    signatures,
    aead,
    x25519,
    now,
    groupId,
    keys,
    store,
    index,
    committed,
    admission,
    run: (work) => host.queue.run(work),
    view: { stored: (idHex) => parts.view.stored(idHex) },
    ...shared
  })
  const acceptance = new EntryAcceptance({
    groupId,
    signatures,
    store,
    now,
    ...(init.sha256 === undefined ? {} : { sha256: init.sha256 }),
    index,
    admission,
    takeRows: () => parts.view.take(),
    ...shared
  })
  const view = new StoredView({ groupId, store, hidden: () => parts.visible.hiddenRanges(), now })
  const visible = new VisibleEntries({ view, committed, body: admission, rebuilt: () => host.rebuilt() })
  const commits = new LogCommits({
    index,
    committed,
    visible,
    view,
    shownTimes: new ShownTimes({ groupId, store, index, view }),
    listKeys: (range) => store.listKeys(groupId, range),
    membershipChanged: () => host.membershipChanged(),
    unsealed: (entries) => host.unsealed(entries)
  })
  const expiry = new LogExpiry({ groupId, store, index, visible, now })
  return Object.assign(parts, { aead, index, admission, committed, writes, acceptance, view, visible, commits, expiry })
}
