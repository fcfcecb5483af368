/**
 * Membership in the simulation, besides the operations workload.ts draws:
 * peers that start outside the group and join during the run by invite (the
 * link reaches them out of band, they go online with an empty log, sync, and
 * write their join once the invite's record has arrived, as CausettePeer's
 * acceptInvite does); the rekeys members make when the group needs one (core's
 * RekeyScheduler rule, on the seeded clock); departed members who keep
 * writing (refused by the API) or forge entries around it (rejected by every
 * peer); and the count of every membership operation tried.
 */
import { certifyDevice, type GroupLog, type LogEntry, memberKeyPair, type Signatures, toHex, writeEntry } from '@causette/core'
import { logEntries } from '../fixtures/entry-bytes.ts'
import type { SeededRandom } from '../fixtures/random.ts'
import type { EventQueue } from './event-queue.ts'
import type { SimPeer } from './sim-peer.ts'

export interface MembershipCounts {
  invites: number
  joins: number
  /** Joins given up: the invite was used by someone else or voided (its maker removed) first. */
  joinsFailed: number
  removals: number
  roleChanges: number
  rekeys: number
  /** Rekeys members made on their own because the group needed one. */
  autoRekeys: number
  leaves: number
  /** Devices a person linked (an outsider becomes a device of a member's person), and devices revoked. */
  links: number
  revocations: number
  /** Writes the API refused: non-admins removing or changing roles, departed members writing. */
  refused: number
  /** Entries a departed member wrote around the API. */
  forged: number
  /** Peers that checked a forged entry and rejected it. */
  forgedRejections: number
}

export interface MembershipWorld {
  queue: EventQueue
  random: SeededRandom
  signatures: Signatures
  group: { id: Uint8Array; secret: Uint8Array }
  problem(text: string): void
  /** Records an acknowledged write and gossips it. */
  acknowledge(peer: SimPeer, entry: LogEntry, kind: string): Promise<void>
  /** Puts a peer that just started on the network (links, anti-entropy). */
  goOnline(peer: SimPeer): void
  /** A sync from one peer to another, as dialling the inviter does. */
  requestSync(from: SimPeer, to: SimPeer): void
}

/** Time an invite link takes to reach the invitee (a chat message, a QR code). */
const LINK_MIN_MS = 200
const LINK_SPREAD_MS = 3000
/** How often a joiner looks whether the invite's record has arrived. */
const JOIN_POLL_MS = 200
/** A linked device gives up waiting for its link-device entry after this many polls (its linker may have been removed first). */
const MAX_LINK_POLLS = 300
/** RekeyScheduler's wait before rekeying (core/src/peer/rekey-scheduler.ts). */
const REKEY_MIN_MS = 100
const REKEY_SPREAD_MS = 1400

/** Counts of nothing yet: where a run's counts, and a sum of runs', start. */
export function noMembershipCounts(): MembershipCounts {
  return {
    invites: 0,
    joins: 0,
    joinsFailed: 0,
    removals: 0,
    roleChanges: 0,
    rekeys: 0,
    autoRekeys: 0,
    leaves: 0,
    links: 0,
    revocations: 0,
    refused: 0,
    forged: 0,
    forgedRejections: 0
  }
}

export class SimMembership {
  readonly counts: MembershipCounts = noMembershipCounts()
  /** Ids of forged entries: no peer may hold one. */
  readonly forgedIds: string[] = []
  private readonly world: MembershipWorld
  /** Peers outside the group with no invite on its way. */
  private readonly awaiting: SimPeer[]
  private readonly rekeyDue = new Set<SimPeer>()
  private joining = 0

  constructor(world: MembershipWorld, outsiders: SimPeer[]) {
    this.world = world
    this.awaiting = [...outsiders]
  }

  /** Nothing is waiting to happen: no invite on its way or waiting for its record, no rekey due. */
  get idle(): boolean {
    return this.joining === 0 && this.rekeyDue.size === 0
  }

  /** Watches a peer's log for membership changes that call for a rekey; called on every start. */
  attach(peer: SimPeer): void {
    peer.runningLog.addEventListener('membership', () => this.considerRekey(peer))
    this.considerRekey(peer)
  }

  /** Counts an acknowledged membership operation of the workload. */
  count(kind: string): void {
    const field = (
      { invite: 'invites', remove: 'removals', role: 'roleChanges', rekey: 'rekeys', leave: 'leaves', 'revoke-device': 'revocations' } as const
    )[kind]
    if (field !== undefined) this.counts[field]++
  }

  /** An outsider the next invite is for. */
  nextOutsider(): SimPeer | undefined {
    return this.awaiting[0]
  }

  /** The link of an invite `inviter` just recorded travels to the next outsider. */
  sendInvite(inviter: SimPeer, inviteId: Uint8Array): void {
    const invitee = this.awaiting.shift()
    if (invitee === undefined) return
    this.joining++
    const delay = LINK_MIN_MS + this.world.random.int(LINK_SPREAD_MS)
    this.world.queue.after(delay, `${inviter.name}'s invite reaches ${invitee.name}`, () => this.accept(invitee, inviter, inviteId))
  }

  private async accept(invitee: SimPeer, inviter: SimPeer, inviteId: Uint8Array): Promise<void> {
    const { queue, group } = this.world
    if (invitee.incarnation === 0) {
      // what the link carries: the group id and secret; the log starts empty
      await invitee.joinGroup(group.id, group.secret)
      this.world.goOnline(invitee)
    } else if (!invitee.running) {
      // down: it opens the link once restarted
      queue.after(JOIN_POLL_MS * 5, `${invitee.name} opens the invite later`, () => this.accept(invitee, inviter, inviteId))
      return
    }
    // acceptInvite dials the inviter's addresses
    this.world.requestSync(invitee, inviter)
    await this.poll(invitee, inviteId)
  }

  /**
   * A member's first device links the next outsider, a fresh device, as a
   * device of its person: the certificate and the link-device entry, then,
   * a moment later, the new device gets the group (what the link's package
   * carries) and syncs with the one that linked it.
   */
  async linkDevice(writer: SimPeer, log: GroupLog): Promise<LogEntry> {
    const device = this.awaiting.shift() as SimPeer
    const memberKey = memberKeyPair(device.key).publicKey
    const certificate = await certifyDevice(writer.key, device.key.publicKey, memberKey)
    const entry = await log.linkDevice(device.key.publicKey, memberKey, certificate)
    this.joining++
    const { queue, group } = this.world
    queue.after(LINK_MIN_MS + this.world.random.int(LINK_SPREAD_MS), `${device.name} becomes ${writer.name}'s device`, async () => {
      device.person = { person: writer.key.publicKey, certificate }
      await device.joinGroup(group.id, group.secret)
      this.world.goOnline(device)
      this.world.requestSync(device, writer)
      await this.linked(device, 0)
    })
    return entry
  }

  /** The person's new device writes once the link-device entry has reached it and holds (it may not: its linker was removed first). */
  private async linked(device: SimPeer, polls: number): Promise<void> {
    const log = device.log
    if (log?.isMember() === true) {
      this.joining--
      device.joined = true
      this.counts.links++
      return
    }
    if (polls >= MAX_LINK_POLLS) {
      this.joining--
      this.counts.joinsFailed++
      return
    }
    this.world.queue.after(JOIN_POLL_MS, `${device.name} waits to be linked`, () => this.linked(device, polls + 1))
  }

  /** waitForInvite: join once the invite's record is here and usable; give up if it is used or void. */
  private async poll(invitee: SimPeer, inviteId: Uint8Array): Promise<void> {
    const again = () => this.world.queue.after(JOIN_POLL_MS, `${invitee.name} waits for its invite`, () => this.poll(invitee, inviteId))
    const log = invitee.log
    if (log === undefined) return again()
    const status = log.inviteUsable(inviteId)
    if (status === 'unknown') return again()
    this.joining--
    if (status !== 'usable') {
      this.counts.joinsFailed++
      this.awaiting.push(invitee)
      return
    }
    try {
      const entry = await log.join(inviteId)
      invitee.joined = true
      this.counts.joins++
      await this.world.acknowledge(invitee, entry, 'join')
    } catch (err) {
      this.world.problem(`${invitee.name} could not join with a usable invite: ${(err as Error).name}: ${(err as Error).message}`)
    }
  }

  /** What a departed member's attempt to write comes to: refused by its own log, or forged around it and rejected by every peer. */
  async departedWrite(writer: SimPeer, peers: readonly SimPeer[], n: number): Promise<void> {
    const log = writer.runningLog
    const text = `message ${n} by departed ${writer.name}`
    if (log.standing() === 'removed' && this.world.random.chance(0.5)) return this.forge(writer, peers, text)
    try {
      await log.append({ type: 'message', text })
      this.world.problem(`${writer.name} (${log.standing()}) could still write to the group`)
    } catch (err) {
      if ((err as Error).name === 'NotMemberError') this.counts.refused++
      else this.world.problem(`${writer.name} (${log.standing()}) was refused with ${(err as Error).name}: ${(err as Error).message}`)
    }
  }

  /** A removed member signs an entry after its heads, as its log would had it not refused, and hands it to every peer able to check it. */
  private async forge(writer: SimPeer, peers: readonly SimPeer[], text: string): Promise<void> {
    const log = writer.runningLog
    const me = toHex(writer.key.publicKey)
    const seq = log.authorSeqs().get(me) ?? 0
    const prev = seq === 0 ? null : ((await lastOwn(log, me, seq))?.id ?? null)
    const parents = log.heads()
    const clock = 1 + Math.max(...parents.map((h) => (log.get(toHex(h)) as LogEntry).clock))
    const entry = await writeEntry(writer.key, this.world.signatures, {
      group: log.id,
      seq: seq + 1,
      prev,
      clock,
      parents,
      time: Math.floor(this.world.queue.now),
      epoch: new Uint8Array(0),
      op: { type: 'message', text },
      epochKey: log.keys.getHex('') as Uint8Array
    })
    this.counts.forged++
    const idHex = toHex(entry.id)
    this.forgedIds.push(idHex)
    for (const peer of peers) {
      const other = peer.log
      if (peer === writer || other === undefined) continue
      // a peer missing a parent would hold it aside; one that has them all can judge it now
      if ([...parents, ...(prev === null ? [] : [prev])].some((p) => other.get(toHex(p)) === undefined)) continue
      const result = await other.add([entry.bytes], { source: 'gossip' })
      const error = result.rejected[0]?.error
      if (result.added.length === 0 && error?.name === 'NotMemberError') this.counts.forgedRejections++
      else this.world.problem(`${peer.name} took ${writer.name}'s entry written after its removal: ${error?.name ?? 'accepted'}`)
    }
  }

  /** RekeyScheduler.consider: a member that sees the group needs a rekey waits a moment, checks again and rekeys. */
  private considerRekey(peer: SimPeer): void {
    const log = peer.log
    if (log === undefined || this.rekeyDue.has(peer) || !shouldRekey(log)) return
    this.rekeyDue.add(peer)
    const incarnation = peer.incarnation
    this.world.queue.after(REKEY_MIN_MS + this.world.random.int(REKEY_SPREAD_MS), `${peer.name} rekeys`, async () => {
      this.rekeyDue.delete(peer)
      if (peer.incarnation !== incarnation) return this.considerRekey(peer)
      if (peer.log === undefined || !shouldRekey(peer.log)) return
      try {
        await this.world.acknowledge(peer, await peer.log.rekey(), 'rekey (automatic)')
        this.counts.autoRekeys++
      } catch (err) {
        this.world.problem(`${peer.name} failed to rekey: ${(err as Error).name}: ${(err as Error).message}`)
      }
    })
  }
}

/** core/src/peer/rekey-scheduler.ts's rule: no usable epoch, or a key this member holds that another member lacks. */
function shouldRekey(log: GroupLog): boolean {
  const state = log.membership()
  if (state === undefined || !log.isMember() || !log.needsRekey()) return false
  if (state.writingEpoch() === undefined) return true
  return [...state.unreadable().values()].some((epochs) => epochs.some((e) => log.keys.has(e)))
}

/** Whether `log`'s device gives `keyHex` nothing more: removed, with no invite made since (core/src/peer/invite-flow.ts removedFrom). */
export function removedFrom(log: GroupLog | undefined, keyHex: string): boolean {
  const state = log?.membership()
  return state !== undefined && !state.mayRejoin(keyHex)
}

/** The entry this device wrote with `seq`: its latest, or found from the end of the order, where new entries sort. */
export async function lastOwn(log: GroupLog, keyHex: string, seq: number): Promise<{ id: Uint8Array; idHex: string } | undefined> {
  const latest = log.latestOf(keyHex)
  if (latest?.seq === seq) return latest
  return (await logEntries(log)).findLast((e) => e.authorHex === keyHex && e.seq === seq)
}
