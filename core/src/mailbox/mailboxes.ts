/**
 * The mailbox service: keeps this device's groups in step with the relays'
 * blind mailboxes, so a message reaches a member who is never online with
 * its author. For each group and relay: an admin asks the relay to keep the
 * group (again whenever the group's epoch, admins or members change, handing
 * it the new capability and who may use it); every member syncs the group with the relay's copy when
 * the relay's connection opens, soon after the group takes in or writes
 * entries, and every minute anyway. It remembers, per group and relay, what
 * the relay said and how much of the log it held at the last sync: what
 * `causette status` shows as "kept by 2 relays".
 *
 * ```ts fragment
 * import { mailboxes } from '@causette/core'
 * declare const relays: string[]
 * const services = { mailboxes: mailboxes({ relays }) }
 * ```
 */
import { type Libp2pEvents, type PeerId, type Startable, serviceDependencies } from '@libp2p/interface'
import type { ConnectionManager } from '@libp2p/interface-internal'
import { peerIdFromString } from '@libp2p/peer-id'
import { TypedEventEmitter, type TypedEventTarget } from 'main-event'
import { fromHex, toHex } from '../codec/hex.ts'
import type { GroupGossip } from '../gossip/group-gossip.ts'
import type { GroupLog } from '../log/group-log.ts'
import type { Groups } from '../peer/groups.ts'
import { syncTag } from '../sync/membership-proof.ts'
import { mailboxCapabilities } from './mailbox-key.ts'
import { type MailboxState, MailboxStates } from './mailbox-states.ts'
import { askToKeep, type RelayExchangeInit, syncWithMailbox } from './relay-exchange.ts'

const DEBOUNCE_MS = 300
const EVERY_MS = 60_000
/** Pauses before trying a relay again after it could not be reached, the last repeated (the minute's round goes on too). */
const RETRY_MS = [2_000, 5_000, 15_000, 30_000]
const AT_ONCE = 4

export interface MailboxesInit {
  /** The relays' addresses, each ending with /p2p/<relay id>. */
  relays: string[]
  debounceMs?: number
  everyMs?: number
  now?: () => number
}

export interface MailboxesComponents {
  peerId: PeerId
  connectionManager: Pick<ConnectionManager, 'openStream'>
  events: TypedEventTarget<Libp2pEvents>
  groups: Groups
  /** Told which peers are relays: they follow the groups' gossip, but are no members to sync with as members do. */
  groupGossip: Pick<GroupGossip, 'relayPeers'>
}

export interface MailboxEvents {
  /** A sync with a relay's mailbox under way: entries received of those announced, and sent (progress of a catch-up). */
  'mailbox:progress': CustomEvent<{ groupId: string; relay: string; received: number; expected: number; sent: number }>
  'mailbox:synced': CustomEvent<MailboxState & { groupId: string }>
  'mailbox:failed': CustomEvent<MailboxState & { groupId: string }>
}

export class Mailboxes extends TypedEventEmitter<MailboxEvents> implements Startable {
  readonly [Symbol.toStringTag] = '@causette/mailboxes'
  readonly [serviceDependencies] = ['@causette/groups', '@causette/gossip']
  readonly relays: PeerId[]
  private readonly components: MailboxesComponents
  private readonly states: MailboxStates
  private readonly debounceMs: number
  private readonly everyMs: number
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>()
  private readonly running = new Map<string, Promise<void>>()
  private readonly again = new Set<string>()
  private readonly failures = new Map<string, number>()
  private waiting: Array<() => void> = []
  private active = 0
  private tick?: ReturnType<typeof setInterval>
  private shutdown = new AbortController()

  constructor(components: MailboxesComponents, init: MailboxesInit) {
    super()
    this.components = components
    this.relays = init.relays.map((address) => {
      const id = /\/p2p\/([^/]+)$/.exec(address)?.[1]
      if (id === undefined) throw new Error(`a relay address must end with /p2p/<relay id>: ${address}`)
      return peerIdFromString(id)
    })
    this.states = new MailboxStates(init.now ?? Date.now)
    this.debounceMs = init.debounceMs ?? DEBOUNCE_MS
    this.everyMs = init.everyMs ?? EVERY_MS
  }

  /**
   * The relays, each with the tags its mailbox may know the group by,
   * newest first — the capabilities a sync tries in the same order (a relay
   * not yet handed the newest knows an earlier one): whom to ask for the
   * group's files, and how to name it.
   */
  relayTags(log: GroupLog): Array<{ peer: string; tags: Uint8Array[] }> {
    const membership = log.membership()
    if (membership === undefined) return []
    const tags = mailboxCapabilities(membership.epochs, membership.writingEpoch(), log.keys, log.secret).map((c) => syncTag(c.capability))
    return tags.length === 0 ? [] : this.relays.map((relay) => ({ peer: relay.toString(), tags }))
  }

  start(): void {
    if (this.shutdown.signal.aborted) this.shutdown = new AbortController()
    if (this.relays.length === 0) return
    this.components.groupGossip.relayPeers(this.relays.map((relay) => relay.toString()))
    this.components.events.addEventListener('peer:connect', this.onConnect)
    this.components.groups.addEventListener('entries', this.onEntries)
    this.components.groups.addEventListener('group:opened', this.onOpened)
    this.tick = setInterval(() => this.soonAll(), this.everyMs)
    ;(this.tick as { unref?: () => void }).unref?.()
    this.soonAll()
  }

  async stop(): Promise<void> {
    this.components.events.removeEventListener('peer:connect', this.onConnect)
    this.components.groups.removeEventListener('entries', this.onEntries)
    this.components.groups.removeEventListener('group:opened', this.onOpened)
    clearInterval(this.tick)
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
    this.shutdown.abort(new Error('the peer is stopping'))
    for (const wake of this.waiting) wake()
    await Promise.allSettled(this.running.values())
  }

  /** What each relay holds of the group, as last heard. */
  status(groupId: string): MailboxState[] {
    const log = this.components.groups.find(groupId)
    return this.relays.map((relay) => this.states.get(groupId, relay.toString(), log?.size ?? 0))
  }

  /**
   * Syncs the group with every relay now, again while one was already under
   * way, until each holds everything this device has (or refused, or could
   * not be reached) or `timeoutMs` has passed: what a sender waits on to
   * say "kept by 2 relays".
   */
  async keep(groupId: string, timeoutMs: number): Promise<MailboxState[]> {
    const deadline = Date.now() + timeoutMs
    for (let round = 0; round < 5 && Date.now() < deadline; round++) {
      const { promise: timeUp, resolve } = Promise.withResolvers<void>()
      const timer = setTimeout(resolve, deadline - Date.now())
      await Promise.race([Promise.allSettled(this.relays.map((relay) => this.run(groupId, relay))), timeUp])
      clearTimeout(timer)
      const states = this.status(groupId)
      if (states.every((s) => s.upToDate || s.state === 'refused' || s.state === 'failed')) return states
    }
    return this.status(groupId)
  }

  private readonly onConnect = (evt: CustomEvent<PeerId>): void => {
    if (this.relays.some((r) => r.equals(evt.detail))) for (const log of this.components.groups.all()) this.soon(log.idHex, evt.detail)
  }

  private readonly onEntries = (evt: CustomEvent<{ groupId: string }>): void => {
    for (const relay of this.relays) this.soon(evt.detail.groupId, relay)
  }

  private readonly onOpened = (evt: CustomEvent<GroupLog>): void => {
    for (const relay of this.relays) this.soon(evt.detail.idHex, relay)
  }

  private soonAll(): void {
    for (const log of this.components.groups.all()) for (const relay of this.relays) this.soon(log.idHex, relay)
  }

  private soon(groupId: string, relay: PeerId, delayMs = this.debounceMs): void {
    const key = `${groupId}/${relay}`
    if (this.timers.has(key) || this.shutdown.signal.aborted) return
    const timer = setTimeout(() => {
      this.timers.delete(key)
      this.run(groupId, relay).catch(() => undefined)
    }, delayMs)
    ;(timer as { unref?: () => void }).unref?.()
    this.timers.set(key, timer)
  }

  /** One exchange per group and relay at a time; asked again while running, it runs once more after. */
  private run(groupId: string, relay: PeerId): Promise<void> {
    const key = `${groupId}/${relay}`
    const current = this.running.get(key)
    if (current !== undefined) {
      this.again.add(key)
      return current
    }
    const next = this.exchange(groupId, relay).finally(() => {
      this.running.delete(key)
      if (this.again.delete(key) && !this.shutdown.signal.aborted) this.soon(groupId, relay)
    })
    this.running.set(key, next)
    return next
  }

  private async exchange(groupId: string, relay: PeerId): Promise<void> {
    const log = this.components.groups.find(groupId)
    const membership = log?.membership()
    if (log === undefined || membership === undefined || !log.isMember()) return
    const capabilities = mailboxCapabilities(membership.epochs, membership.writingEpoch(), log.keys, log.secret)
    const relayId = relay.toString()
    await this.slot()
    const init: RelayExchangeInit = {
      connectionManager: this.components.connectionManager,
      localPeer: this.components.peerId,
      signal: this.shutdown.signal
    }
    try {
      const admins = [...membership.members.values()].filter((m) => m.role === 'admin').map((m) => m.key)
      const members = membership.memberKeys()
      const newest = capabilities[0] as (typeof capabilities)[number]
      const policy = { epoch: newest.epoch, admins, members }
      if (admins.includes(toHex(this.components.groups.key.publicKey)) && this.states.needsKeep(groupId, relayId, policy)) {
        const answer = await askToKeep(init, relay, {
          group: log.id,
          capability: newest.capability,
          admins: admins.map((a) => fromHex(a)),
          members: members.map((m) => fromHex(m)),
          earlier: capabilities.slice(1).map((c) => c.capability),
          // so that the relay follows the group's gossip too (knowing it opens no body)
          topic: log.topic
        })
        this.states.keepAnswered(groupId, relayId, policy, answer)
        if (!answer.kept) {
          this.safeDispatchEvent('mailbox:failed', { detail: { groupId, ...this.states.get(groupId, relayId, log.size) } })
          return
        }
      }
      const size = log.size
      const result = await syncWithMailbox(init, relay, log, capabilities, (progress) => {
        this.states.transferring(groupId, relayId, progress)
        this.safeDispatchEvent('mailbox:progress', { detail: { groupId, relay: relayId, ...progress } })
      })
      this.failures.delete(`${groupId}/${relayId}`)
      // the relay holds what this device had when the sync began, and what it gave
      this.states.synced(groupId, relayId, size + result.added)
      this.safeDispatchEvent('mailbox:synced', { detail: { groupId, ...this.states.get(groupId, relayId, log.size) } })
    } catch (err) {
      if (this.shutdown.signal.aborted) return
      this.states.failed(groupId, relayId, err as Error)
      // a relay that said no (keeps no such group, no mailbox) is asked again in the minute's round, not sooner
      if (this.states.get(groupId, relayId, log.size).state === 'failed') {
        const tries = (this.failures.get(`${groupId}/${relayId}`) ?? 0) + 1
        this.failures.set(`${groupId}/${relayId}`, tries)
        this.soon(groupId, relay, RETRY_MS[Math.min(tries, RETRY_MS.length) - 1])
      }
      this.safeDispatchEvent('mailbox:failed', { detail: { groupId, ...this.states.get(groupId, relayId, log.size) } })
    } finally {
      this.release()
    }
  }

  private async slot(): Promise<void> {
    while (this.active >= AT_ONCE && !this.shutdown.signal.aborted) await new Promise<void>((resolve) => this.waiting.push(resolve))
    this.active++
  }

  private release(): void {
    this.active--
    this.waiting.shift()?.()
  }
}

/** The service factory, for libp2p's `services` (beside a groups service). */
export function mailboxes(init: MailboxesInit): (components: MailboxesComponents) => Mailboxes {
  return (components) => new Mailboxes(components, init)
}
