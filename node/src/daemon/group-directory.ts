/**
 * GroupDirectory: the groups of this daemon, open or still opening, and how
 * a person names one. A group is named by its id, by a unique prefix of its
 * id (at least 4 hex digits), or by its name (any case). A name that is
 * also a prefix of another group's id, or that two groups share, is
 * ambiguous: the error lists the candidates and asks for the id.
 */
import { type GroupLog, type GroupRecord, toHex, UnknownGroupError } from '@causette/core'
import type { GroupRef } from '../api/api-types.ts'
import { AmbiguousGroupError, InvalidRequestError } from '../errors.ts'

const MIN_ID_PREFIX = 4
const ID_HEX_LENGTH = 64

export class KnownGroup {
  readonly record: GroupRecord
  readonly idHex: string
  log?: GroupLog
  failure?: Error
  readonly opened: Promise<GroupLog>
  private readonly resolveOpened: (log: GroupLog) => void
  private readonly rejectOpened: (err: Error) => void

  constructor(record: GroupRecord) {
    this.record = { ...record }
    this.idHex = toHex(record.id)
    const { promise, resolve, reject } = Promise.withResolvers<GroupLog>()
    // a group that fails to open is reported when someone asks for it, not as an unhandled rejection
    promise.catch(() => undefined)
    this.opened = promise
    this.resolveOpened = resolve
    this.rejectOpened = reject
  }

  /** The group's current name: its log's, or the last one stored while the log is not open. */
  get name(): string {
    const current = this.log?.view.metadata().name
    return current === undefined || current === '' ? this.record.name : current
  }

  /** How answers name the group. */
  get ref(): GroupRef {
    return { id: this.idHex, name: this.name }
  }

  open(log: GroupLog): void {
    this.log = log
    this.resolveOpened(log)
  }

  fail(err: Error): void {
    this.failure = err
    this.rejectOpened(err)
  }
}

export class GroupDirectory {
  private readonly groups = new Map<string, KnownGroup>()
  private readonly openListeners: Array<(known: KnownGroup, log: GroupLog) => void> = []

  /** Calls `listener` each time a group's log is open (after a start, on create, on join). */
  onOpen(listener: (known: KnownGroup, log: GroupLog) => void): void {
    this.openListeners.push(listener)
  }

  /** Records that the group's log is open, for whoever waits on it. */
  markOpen(known: KnownGroup, log: GroupLog): void {
    if (known.log !== undefined) return
    known.open(log)
    for (const listener of this.openListeners) listener(known, log)
  }

  /** Groups in the order they were added to this device. */
  list(): KnownGroup[] {
    return [...this.groups.values()]
  }

  get(idHex: string): KnownGroup | undefined {
    return this.groups.get(idHex)
  }

  /** Adds a group that is still to be opened. */
  add(record: GroupRecord): KnownGroup {
    const known = new KnownGroup(record)
    this.groups.set(known.idHex, known)
    return known
  }

  /** Adds a group created or joined now, its log already open. */
  adopt(log: GroupLog, record: GroupRecord): KnownGroup {
    const known = this.groups.get(log.idHex) ?? this.add(record)
    this.markOpen(known, log)
    return known
  }

  isOpen(idHex: string): boolean {
    return this.groups.get(idHex)?.log !== undefined
  }

  resolve(ref: string): KnownGroup {
    const wanted = ref.trim()
    if (wanted === '') throw new InvalidRequestError('name a group: its name, its id, or the start of its id')
    const lower = wanted.toLowerCase()
    if (lower.length === ID_HEX_LENGTH && /^[0-9a-f]+$/.test(lower)) {
      const exact = this.groups.get(lower)
      if (exact !== undefined) return exact
    }
    const byName = wanted.normalize('NFC').toLowerCase()
    const isPrefix = lower.length >= MIN_ID_PREFIX && /^[0-9a-f]+$/.test(lower)
    const candidates = this.list().filter((g) => g.name.normalize('NFC').toLowerCase() === byName || (isPrefix && g.idHex.startsWith(lower)))
    if (candidates.length === 1) return candidates[0] as KnownGroup
    if (candidates.length === 0) {
      throw new UnknownGroupError(`this device has no group named "${wanted}" or with an id starting with it; \`causette groups\` lists yours`)
    }
    const listed = candidates.map((g) => `${g.name === '' ? '(unnamed)' : g.name} (${g.idHex.slice(0, 12)})`).join(', ')
    throw new AmbiguousGroupError(`"${wanted}" could be any of ${candidates.length} groups: ${listed}; name it by its id or a longer start of it`)
  }

  /** The group's open log, waiting for it if the daemon is still opening it. */
  async openLog(known: KnownGroup): Promise<GroupLog> {
    return known.log ?? known.opened
  }
}
