/**
 * What must hold once a run has healed: every peer that holds the group
 * (members, and those removed or gone, who keep their logs) holds the same
 * log (order and heads), nothing waits for missing parents, no honest author
 * looks like an equivocator, every entry acknowledged to its author is
 * everywhere and nothing was invented; every member can read every entry and
 * shows the same view, with each acknowledged message shown exactly once
 * unless its author wrote it while out of the group. Membership itself is
 * checked in membership-check.ts.
 */
import { isDeepStrictEqual } from 'node:util'
import { type GroupLog, inGap, type StoredLogEntry, toHex } from '@causette/core'
import { logEntries } from '../fixtures/entry-bytes.ts'
import type { SimPeer } from './sim-peer.ts'

export interface Acknowledged {
  /** Operation kind, for messages that say what went missing. */
  kind: string
  author: string
  /** Whether the view must show it as a message of its own. */
  isMessage: boolean
}

/** The peers that hold the group: all but those never invited. */
export function holders(peers: readonly SimPeer[]): SimPeer[] {
  return peers.filter((p) => p.incarnation > 0)
}

/** Those of `peers` that are members as `log` sees it. */
export function membersOf(log: GroupLog, peers: readonly SimPeer[]): SimPeer[] {
  const members = log.membership()?.members
  return peers.filter((p) => members?.has(toHex(p.key.publicKey)) === true)
}

export async function convergenceProblems(peers: readonly SimPeer[], acknowledged: ReadonlyMap<string, Acknowledged>): Promise<string[]> {
  const problems: string[] = []
  const holding = holders(peers)
  const down = holding.filter((p) => !p.running)
  if (down.length > 0) return [`peers still down after the heal: ${down.map((p) => p.name).join(', ')}`]
  const first = (holding[0] as SimPeer).runningLog
  // a message its author wrote while out of the group (removed, unaware of it) is hidden from every view
  const gaps = first.membership()?.gaps ?? new Map()
  const firstHeld = await heldEntries(first)
  const hidden = (id: string) => {
    const e = firstHeld.get(id)
    return e !== undefined && inGap(gaps, e.authorHex, e.seq)
  }
  const messages = [...acknowledged].filter(([id, a]) => a.isMessage && !hidden(id)).length
  const reference = await fingerprint(first)
  const members = membersOf(first, holding)
  const view = await members[0]?.runningLog.view.snapshot()
  for (const peer of holding) {
    const log = peer.runningLog
    if (log.pendingCount > 0) problems.push(`${peer.name} still holds ${log.pendingCount} entries waiting for parents`)
    if (log.equivocations().length > 0)
      problems.push(`${peer.name} reports an equivocation by an honest author: ${JSON.stringify(log.equivocations()[0])}`)
    const held = await heldEntries(log)
    const missing = [...acknowledged].filter(([id]) => !held.has(id))
    if (missing.length > 0) {
      const [id, a] = missing[0] as [string, Acknowledged]
      problems.push(`${peer.name} lacks ${missing.length} acknowledged entries (first: ${a.kind} ${id.slice(0, 12)} by ${a.author})`)
    }
    // every entry is the genesis or an acknowledged write: anything else was invented
    if (log.size !== acknowledged.size + 1)
      problems.push(`${peer.name} holds ${log.size} entries; 1 genesis + ${acknowledged.size} acknowledged were written`)
    if (members.includes(peer)) {
      if (log.sealedCount > 0) problems.push(`${peer.name}, a member, still cannot read ${log.sealedCount} entries`)
      if ((await log.view.countMessages()) !== messages)
        problems.push(`${peer.name} shows ${await log.view.countMessages()} messages; ${messages} were written by members in the group`)
      let unshown: [string, Acknowledged] | undefined
      for (const [id, a] of acknowledged)
        if (unshown === undefined && a.isMessage && !hidden(id) && (await log.view.message(id)) === undefined) unshown = [id, a]
      if (unshown !== undefined) problems.push(`${peer.name} does not show message ${unshown[0].slice(0, 12)} by ${unshown[1].author}`)
      if (!isDeepStrictEqual(await log.view.snapshot(), view)) problems.push(`${peer.name} shows a different view from ${members[0]?.name}`)
    }
    if (peer === holding[0]) continue
    const own = await fingerprint(log)
    const at = own.order.findIndex((id, i) => id !== reference.order[i])
    if (at >= 0 || own.order.length !== reference.order.length) {
      problems.push(
        `${peer.name} orders the log differently from ${holding[0]?.name} (from position ${at >= 0 ? at : Math.min(own.order.length, reference.order.length)})`
      )
    }
    if (own.heads !== reference.heads)
      problems.push(`${peer.name} has heads ${own.heads.slice(0, 40)}…, ${holding[0]?.name} has ${reference.heads.slice(0, 40)}…`)
  }
  return problems
}

/** Cheap test that the logs agree, used to stop settling early. */
export function logsAgree(peers: readonly SimPeer[]): boolean {
  const holding = holders(peers)
  const first = holding[0]?.log
  if (first === undefined) return false
  const heads = first.heads().map(toHex).join()
  return holding.every(
    (p) => p.log !== undefined && p.log.size === first.size && p.log.pendingCount === 0 && p.log.heads().map(toHex).join() === heads
  )
}

/** Every entry the log holds, by hex id, read from its store. */
export async function heldEntries(log: GroupLog): Promise<Map<string, StoredLogEntry>> {
  return new Map((await logEntries(log)).map((e) => [e.idHex, e]))
}

async function fingerprint(log: GroupLog) {
  return { order: (await logEntries(log)).map((e) => e.idHex), heads: log.heads().map(toHex).join(',') }
}
