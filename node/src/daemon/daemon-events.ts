/**
 * How a running daemon follows its peer: the peer's and the group logs'
 * events become DaemonEvents (what the API streams and `causette start`
 * prints), and the stored group names stay current.
 */
import type { GroupLog, LogEntry } from '@causette/core'
import type { ErrorView } from '../api/api-types.ts'
import type { DaemonParts } from './daemon.ts'
import type { KnownGroup } from './group-directory.ts'
import { MessageChanges } from './message-changes.ts'
import { peopleOf } from './message-reads.ts'

/** What following the peer works with, and nothing more. */
export type EventComponents = Pick<DaemonParts, 'peer' | 'directory' | 'dialer' | 'displayName' | 'authors' | 'store' | 'emit'>

/** Turns the peer's events into DaemonEvents, and keeps the group names current. */
export function wireDaemonEvents(parts: EventComponents, followsMessages: () => boolean): void {
  const { peer, directory, dialer, displayName, authors, emit } = parts
  const changes = new MessageChanges()
  peer.addEventListener('entries', (evt) => {
    const { groupId, entries, source } = evt.detail
    const known = directory.get(groupId)
    // a group still opening or joining: what it holds is read from its view once open
    if (known?.log === undefined) return
    void followEntries(parts, changes, known, entries, source, followsMessages())
  })
  // a group of the person's taken at linking or from another device of theirs (devices/person-group.ts) is known here too
  peer.devices.addEventListener('group:taken', (evt) => {
    const log = evt.detail
    if (directory.get(log.idHex) !== undefined) return
    void parts.store.getGroup(log.id).then((record) => {
      if (record !== undefined && directory.get(log.idHex) === undefined) directory.adopt(log, record)
    })
  })
  directory.onOpen((known, log) => {
    // entries whose epoch key arrived later: their messages show only now
    log.addEventListener('unsealed', (evt) => void followEntries(parts, changes, known, evt.detail.entries, 'unsealed', followsMessages()))
    // a removal hid what the removed member wrote unseen, or the block list changed: readers re-read what they show
    log.addEventListener('rebuilt', () => {
      log.view
        .countMessages()
        .then((messages) => emit({ type: 'group:rebuilt', groupId: known.idHex, messages }))
        .catch(() => undefined)
    })
    // disappearing messages reached their deadline: readers drop them
    log.addEventListener('erased', (evt) => emit({ type: 'messages:erased', groupId: known.idHex, ids: evt.detail.ids }))
    // joined, or given the group key at last: this device's name can be written there now
    log.addEventListener('membership', () => {
      emit({ type: 'group:membership', groupId: known.idHex })
      void displayName.consider(log)
      authors.warm(log)
    })
    void displayName.consider(log)
    authors.warm(log)
  })
  peer.addEventListener('sync:started', (evt) => emit({ type: 'sync:started', ...evt.detail }))
  peer.addEventListener('sync:progress', (evt) => emit({ type: 'sync:progress', ...evt.detail }))
  peer.addEventListener('sync:finished', (evt) => emit({ type: 'sync:finished', ...evt.detail }))
  peer.addEventListener('sync:failed', (evt) => {
    emit({ type: 'sync:failed', groupId: evt.detail.groupId, peer: evt.detail.peer, error: errorView(evt.detail.error) })
  })
  peer.mailboxes?.addEventListener('mailbox:progress', (evt) => emit({ type: 'mailbox:progress', ...evt.detail }))
  peer.mailboxes?.addEventListener('mailbox:synced', (evt) => {
    emit({ type: 'mailbox:synced', groupId: evt.detail.groupId, relay: evt.detail.relay, upToDate: evt.detail.upToDate })
  })
  peer.mailboxes?.addEventListener('mailbox:failed', (evt) => {
    const { groupId, relay, state, reason } = evt.detail
    emit({ type: 'mailbox:failed', groupId, relay, state, reason: reason ?? '' })
  })
  peer.files.addEventListener('file:handover', (evt) => {
    const { group, ...outcome } = evt.detail
    emit({ type: 'file:handover', groupId: group, ...outcome })
  })
  peer.addEventListener('group:peer-joined', (evt) => {
    emit({ type: 'group:peer-joined', ...evt.detail })
    dialer.rememberMember(evt.detail.peer).catch(() => undefined)
  })
  peer.addEventListener('group:peer-left', (evt) => emit({ type: 'group:peer-left', ...evt.detail }))
  peer.addEventListener('signal:typing', (evt) => {
    const { groupId, member, typing } = evt.detail
    const log = directory.get(groupId)?.log
    if (log !== undefined) emit({ type: 'typing', groupId, author: authors.of(log).view(member), typing })
  })
  peer.addEventListener('signal:presence', (evt) => {
    const { groupId, member, presence } = evt.detail
    const log = directory.get(groupId)?.log
    if (log === undefined) return
    emit({
      type: 'presence',
      groupId,
      author: authors.of(log).view(member),
      presence: presence.state,
      ...(presence.lastSeen === undefined ? {} : { lastSeen: presence.lastSeen })
    })
  })
  peer.addEventListener('rejected', (evt) => {
    emit({ type: 'rejected', groupId: evt.detail.groupId, peer: evt.detail.peer, error: errorView(evt.detail.error) })
  })
  peer.addEventListener('equivocation', (evt) => {
    const { author, seq } = evt.detail.equivocation
    emit({ type: 'equivocation', groupId: evt.detail.groupId, author, seq })
  })
}

/**
 * The entries whose messages are rendered as `message` events: all of them
 * while something follows messages (Daemon.followMessages), else only those
 * of messages carrying files, whose media are fetched as they come.
 */
function followed(entries: readonly LogEntry[], all: boolean): readonly LogEntry[] {
  if (all) return entries
  return entries.filter((e) => e.op?.type === 'message' && (e.op.files?.length ?? 0) > 0)
}

/** Tells the event stream what new (or newly readable) entries changed. */
async function followEntries(
  parts: EventComponents,
  changes: MessageChanges,
  known: KnownGroup,
  entries: readonly LogEntry[],
  source: string,
  /** Whether something follows every message (Daemon.followMessages). */
  all: boolean
): Promise<void> {
  const { authors, store, emit } = parts
  const log = known.log as GroupLog
  emit({ type: 'entries', groupId: known.idHex, count: entries.length, source })
  const changed = await changes.of(log, followed(entries, all)).catch((err: unknown) => {
    // the store closed under a stopping daemon: nothing to tell; anything else is a fault to see, not to hide
    if ((err as Error).name !== 'StoreClosedError')
      process.stderr.write(`causette: could not show ${entries.length} new entries: ${(err as Error).message}\n`)
    return []
  })
  if (changed.length > 0) {
    // names as the group's log has them now (a batch may carry a profile too)
    const people = authors.of(log)
    for (const change of changed) {
      const author = people.view(change.message.author)
      const named = people.viewsOf(peopleOf(change.message))
      emit({ type: 'message', groupId: known.idHex, message: change.message, author, authors: named, isNew: change.isNew, source })
    }
  }
  if (entries.some((e) => e.op?.type === 'create' || (e.op?.type === 'metadata' && e.op.name !== undefined))) {
    const name = log.view.metadata().name
    if (name !== known.record.name) {
      known.record.name = name
      store.putGroup(known.record).catch(() => undefined)
    }
  }
}

/** An error as events and answers carry it: its name and its message. */
export function errorView(err: unknown): ErrorView {
  return err instanceof Error ? { name: err.name, message: err.message } : { name: 'Error', message: String(err) }
}
