/**
 * What this device knows of each relay's mailbox for each group: whether it
 * keeps the group (or said why not, or could not be reached), when the last
 * sync with it finished, and how many of this device's entries it held
 * then — so "up to date" means the relay holds everything this device has.
 * And, for admins, which capability and admin list the relay was last given,
 * so it is asked to keep the group again only when those change.
 */
import type { KeepAnswer } from './keep-frames.ts'

export interface MailboxState {
  relay: string
  /**
   * `kept`: the last sync with the relay's copy succeeded; `refused`: the
   * relay said no (reason says why); `failed`: the last try did not get
   * through (reason); `waiting`: nothing tried yet.
   */
  state: 'kept' | 'refused' | 'failed' | 'waiting'
  reason?: string
  /** When the last sync with the relay finished (ms since the epoch). */
  syncedAt?: number
  /** The relay held every entry this device had when that sync began, and this device has none since. */
  upToDate: boolean
  /** Entries of this device's log the relay held at the last sync. */
  held: number
  /** The relay's own count and quotas, from its last answer to a keep request. */
  quota?: { entries: number; bytes: number; maxEntries: number; maxBytes: number }
  /** While a sync with the relay runs: entries received of those it announced, and sent. */
  transfer?: { received: number; expected: number; sent: number }
}

/** What an admin last told a relay: the epoch whose capability it holds, the admins, the members it serves. */
export interface KeepPolicy {
  epoch: string
  admins: string[]
  members: string[]
}

interface Record {
  state: MailboxState['state']
  reason?: string
  syncedAt?: number
  held: number
  quota?: MailboxState['quota']
  transfer?: MailboxState['transfer']
  keptWith?: string
}

export class MailboxStates {
  private readonly records = new Map<string, Record>()
  private readonly now: () => number

  constructor(now: () => number) {
    this.now = now
  }

  get(groupId: string, relay: string, size: number): MailboxState {
    const r = this.records.get(`${groupId}/${relay}`) ?? { state: 'waiting', held: 0 }
    const state: MailboxState = { relay, state: r.state, upToDate: r.state === 'kept' && r.held >= size, held: r.held }
    if (r.reason !== undefined) state.reason = r.reason
    if (r.syncedAt !== undefined) state.syncedAt = r.syncedAt
    if (r.quota !== undefined) state.quota = r.quota
    if (r.transfer !== undefined) state.transfer = r.transfer
    return state
  }

  /** Whether this admin should (again) ask the relay to keep the group: not yet, or the epoch, admins or members changed since. */
  needsKeep(groupId: string, relay: string, policy: KeepPolicy): boolean {
    return this.record(groupId, relay).keptWith !== keptWith(policy)
  }

  keepAnswered(groupId: string, relay: string, policy: KeepPolicy, answer: KeepAnswer): void {
    const r = this.record(groupId, relay)
    r.quota = { entries: answer.entries, bytes: answer.bytes, maxEntries: answer.maxEntries, maxBytes: answer.maxBytes }
    if (answer.kept) r.keptWith = keptWith(policy)
    else {
      r.state = 'refused'
      r.reason = answer.reason
      delete r.keptWith
    }
  }

  /** A sync with the relay under way: how far it is. */
  transferring(groupId: string, relay: string, transfer: NonNullable<MailboxState['transfer']>): void {
    this.record(groupId, relay).transfer = transfer
  }

  /** `held`: this device's entries when the sync began and those the relay gave it: the relay holds them all. */
  synced(groupId: string, relay: string, held: number): void {
    const r = this.record(groupId, relay)
    delete r.transfer
    r.state = 'kept'
    delete r.reason
    r.syncedAt = this.now()
    r.held = Math.max(r.held, held)
    if (r.quota !== undefined) r.quota.entries = Math.max(r.quota.entries, held)
  }

  failed(groupId: string, relay: string, err: Error): void {
    const r = this.record(groupId, relay)
    delete r.transfer
    const noMailbox = err.name === 'UnsupportedProtocolError'
    r.state = noMailbox || err.name === 'SyncRefusedError' || err.name === 'MailboxNotKeptError' ? 'refused' : 'failed'
    r.reason = noMailbox ? 'the relay keeps no mailbox (it runs with --no-mailbox, or is not a Causette relay)' : err.message
    // a refusal may mean the relay lost the group: ask it again next time
    if (r.state === 'refused') delete r.keptWith
  }

  private record(groupId: string, relay: string): Record {
    const key = `${groupId}/${relay}`
    let r = this.records.get(key)
    if (r === undefined) {
      r = { state: 'waiting', held: 0 }
      this.records.set(key, r)
    }
    return r
  }
}

function keptWith(policy: KeepPolicy): string {
  return `${policy.epoch}:${[...policy.admins].sort().join(',')}:${[...policy.members].sort().join(',')}`
}
