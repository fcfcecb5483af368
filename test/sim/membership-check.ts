/**
 * What must hold of membership once a run has healed and every peer holding
 * the group holds the same log (convergence-check.ts):
 *
 * - the members agree on who is in the group, with which roles, and on the
 *   epoch new messages go under; each holds its key, none still needs a
 *   rekey;
 * - a departed member (removed, or left) wrote nothing after it had seen its
 *   departure (its API refuses; what it forged around the API no peer holds);
 * - of what a removed member wrote, exactly what the remover had seen (the
 *   removal's causal past) is shown by the members: what it wrote unaware of
 *   its removal is accepted but hidden (docs/membership-and-keys.md, "What it does not protect (yet)");
 * - whoever had seen a departure wrote under an epoch that, as far as it
 *   knew, the departed device could not read (neither granted nor covered by
 *   a history it was granted);
 * - a departed member (removed, or left) cannot read any entry written by
 *   someone who had seen its departure: such entries stay sealed in its log,
 *   even though it holds them all and the group secret (docs/membership-and-keys.md, "What this
 *   protects"), and even when a rekey written concurrently with the
 *   departure handed it, in its key history, epochs made before it (seeds
 *   1475, 426).
 */
import { decodeEntry, fromHex, type GroupLog, type MembershipState, type StoredLogEntry, toHex } from '@causette/core'
import { logEntries } from '../fixtures/entry-bytes.ts'
import { heldEntries, holders, membersOf } from './convergence-check.ts'
import type { SimPeer } from './sim-peer.ts'

export async function membershipProblems(peers: readonly SimPeer[], forgedIds: readonly string[]): Promise<string[]> {
  const held = new Map<GroupLog, Promise<Map<string, StoredLogEntry>>>()
  const heldBy = (log: GroupLog) => {
    let entries = held.get(log)
    if (entries === undefined) {
      entries = heldEntries(log)
      held.set(log, entries)
    }
    return entries
  }
  const problems: string[] = []
  const holding = holders(peers)
  const reference = (holding[0] as SimPeer).runningLog
  const state = reference.membership()
  if (state === undefined) return [`${holding[0]?.name} holds no genesis`]
  const members = membersOf(reference, holding)
  const first = members[0]
  if (first === undefined) return ['no peer is a member after the heal']

  const roster = describeMembers(first.runningLog, peers)
  const epoch = first.runningLog.membership()?.writingEpoch()?.id
  if (epoch === undefined) problems.push(`${first.name} has no epoch to write under after the heal`)
  for (const m of members) {
    const log = m.runningLog
    const own = describeMembers(log, peers)
    if (own !== roster) problems.push(`${m.name} sees members ${own}; ${first.name} sees ${roster}`)
    const mine = log.membership()?.writingEpoch()?.id
    if (mine !== epoch) problems.push(`${m.name} writes under epoch ${mine?.slice(0, 8)}, ${first.name} under ${epoch?.slice(0, 8)}`)
    else if (epoch !== undefined && !log.keys.has(epoch))
      problems.push(`${m.name} lacks the key of the current epoch ${epoch.slice(0, 8)} (${await epochMaker(log, epoch, peers)})`)
    if (log.needsRekey()) problems.push(`${m.name} still needs a rekey after the heal (some member cannot read an epoch)`)
  }

  for (const [keyHex, gone] of state.departed) {
    const peer = peers.find((p) => toHex(p.key.publicKey) === keyHex)
    const name = peer?.name ?? keyHex.slice(0, 8)
    const departure = gone.at.idHex
    const seen = await ancestors(reference, departure)
    for (const e of await logEntries(reference)) {
      const frontier = reference.frontierOf(e.frontierKey)
      if (frontier === undefined) {
        problems.push(`${nameOf(e.authorHex, peers)}'s ${e.idHex.slice(0, 12)} stands on a frontier the log does not know`)
        continue
      }
      // (a leave is in its own frontier: it is the departure)
      const afterDeparture = e.idHex !== departure && frontier.has(departure)
      if (e.authorHex === keyHex) {
        if (afterDeparture) problems.push(`${name} wrote ${e.idHex.slice(0, 12)} (seq ${e.seq}) after it had seen its own ${describe(gone.reason)}`)
        if (gone.reason === 'removed' && e.op?.type === 'message') {
          for (const m of members) {
            const shown = (await m.runningLog.view.message(e.idHex)) !== undefined
            if (shown !== seen.has(e.idHex)) {
              const why = seen.has(e.idHex) ? 'hides it though its remover had seen it' : 'shows it though its remover had not seen it'
              problems.push(`${m.name} ${why}: message ${e.idHex.slice(0, 12)} (seq ${e.seq}) by ${name}, removed`)
            }
          }
        }
      }
      if (!afterDeparture || e.epochHex === '') continue
      // whoever knew of the departure wrote under an epoch the one who went could not read, as far as the writer knew
      if (readableBy(frontier.state, keyHex).has(e.epochHex))
        problems.push(
          `${nameOf(e.authorHex, peers)} wrote ${e.idHex.slice(0, 12)} under epoch ${e.epochHex.slice(0, 8)}, which it knew ${name} (${gone.reason}) could read`
        )
      // what was written by someone who knew of the departure stays sealed for the one who went
      if (peer?.log !== undefined) {
        const theirs = (await heldBy(peer.log)).get(e.idHex)
        // an erased entry (a disappearing message past its deadline) reads nothing: neither sealed nor open, no operation
        const readable = theirs !== undefined && !theirs.sealed && theirs.op !== undefined
        if (theirs === undefined || readable || peer.log.keys.has(e.epochHex)) {
          problems.push(
            `${name} (${gone.reason}) can read ${e.op?.type ?? 'an entry'} ${e.idHex.slice(0, 12)} by ${nameOf(e.authorHex, peers)} ` +
              `under epoch ${e.epochHex.slice(0, 8)}, written after its ${describe(gone.reason)} was known`
          )
        }
      }
    }
  }

  for (const id of forgedIds) {
    let holder: SimPeer | undefined
    for (const p of holding) if (holder === undefined && p.log !== undefined && (await heldBy(p.log)).has(id)) holder = p
    if (holder !== undefined) problems.push(`${holder.name} holds ${id.slice(0, 12)}, written by a member after it had seen its removal`)
  }
  return problems
}

/** Ids of the epochs a device can read as `state` tells: those granted to it and those their key histories cover (first epoch aside). */
function readableBy(state: MembershipState, keyHex: string): Set<string> {
  const byId = new Map(state.epochs.map((e) => [e.id, e]))
  const readable = new Set<string>()
  const visit = (id: string) => {
    if (readable.has(id)) return
    readable.add(id)
    for (const c of byId.get(id)?.covers ?? []) visit(c)
  }
  for (const e of state.epochs) if (e.recipients?.includes(keyHex) === true) visit(e.id)
  return readable
}

/** Ids of an entry and all it descends from (its causal past), by the parents each names. */
async function ancestors(log: GroupLog, idHex: string): Promise<Set<string>> {
  const seen = new Set<string>([idHex])
  const work = [idHex]
  while (work.length > 0) {
    const [bytes] = await log.getEntries([fromHex(work.pop() as string)])
    for (const parent of decodeEntry(bytes as Uint8Array).parents) {
      const p = toHex(parent)
      if (!seen.has(p)) {
        seen.add(p)
        work.push(p)
      }
    }
  }
  return seen
}

/** Who made an epoch, how, and whom it was granted to: what a missing key's problem says. */
async function epochMaker(log: GroupLog, epoch: string, peers: readonly SimPeer[]): Promise<string> {
  const info = log.membership()?.epochs.find((e) => e.id === epoch)
  if (info === undefined) return 'an epoch the log does not know'
  const [bytes] = await log.getEntries([fromHex(info.entry.idHex)])
  const op = bytes === undefined ? undefined : log.get(info.entry.idHex)?.op?.type
  const granted = (info.recipients ?? []).map((r) => nameOf(r, peers)).join(' ')
  return `made by ${nameOf(info.entry.authorHex, peers)}'s ${op ?? 'entry'}, granted to ${granted}, covering ${info.covers.length} earlier`
}

function describeMembers(log: GroupLog, peers: readonly SimPeer[]): string {
  return log
    .members()
    .map((m) => `${nameOf(m.key, peers)}:${m.role}`)
    .join(' ')
}

function nameOf(keyHex: string, peers: readonly SimPeer[]): string {
  return peers.find((p) => toHex(p.key.publicKey) === keyHex)?.name ?? keyHex.slice(0, 8)
}

function describe(reason: 'removed' | 'left'): string {
  return reason === 'removed' ? 'removal' : 'leaving'
}
