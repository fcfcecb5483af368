/**
 * What must hold once a run has healed: every peer holds the same log (order
 * and heads) and shows the same view, nothing waits for missing parents, no
 * honest author looks like an equivocator, every entry acknowledged to its
 * author is everywhere, and nothing was invented or shown twice.
 */
import { isDeepStrictEqual } from 'node:util'
import { type GroupLog, toHex } from '@causette/core'
import type { SimPeer } from './sim-peer.ts'

export interface Acknowledged {
  /** Operation kind, for messages that say what went missing. */
  kind: string
  author: string
  /** Whether the view must show it as a message of its own. */
  isMessage: boolean
}

export function convergenceProblems(peers: readonly SimPeer[], acknowledged: ReadonlyMap<string, Acknowledged>): string[] {
  const problems: string[] = []
  const down = peers.filter((p) => !p.running)
  if (down.length > 0) return [`peers still down after the heal: ${down.map((p) => p.name).join(', ')}`]
  const messages = [...acknowledged.values()].filter((a) => a.isMessage).length
  const reference = fingerprint(peers[0]?.runningLog as GroupLog)
  for (const peer of peers) {
    const log = peer.runningLog
    if (log.pendingCount > 0) problems.push(`${peer.name} still holds ${log.pendingCount} entries waiting for parents`)
    if (log.equivocations().length > 0)
      problems.push(`${peer.name} reports an equivocation by an honest author: ${JSON.stringify(log.equivocations()[0])}`)
    const missing = [...acknowledged].filter(([id]) => log.get(id) === undefined)
    if (missing.length > 0) {
      const [id, a] = missing[0] as [string, Acknowledged]
      problems.push(`${peer.name} lacks ${missing.length} acknowledged entries (first: ${a.kind} ${id.slice(0, 12)} by ${a.author})`)
    }
    // every entry is the genesis or an acknowledged write: anything else was invented
    if (log.size !== acknowledged.size + 1)
      problems.push(`${peer.name} holds ${log.size} entries; 1 genesis + ${acknowledged.size} acknowledged were written`)
    if (log.view.messageCount !== messages) problems.push(`${peer.name} shows ${log.view.messageCount} messages; ${messages} were written`)
    const unshown = [...acknowledged].find(([id, a]) => a.isMessage && log.view.message(id) === undefined)
    if (unshown !== undefined) problems.push(`${peer.name} does not show message ${unshown[0].slice(0, 12)} by ${unshown[1].author}`)
    const own = fingerprint(log)
    if (peer === peers[0]) continue
    const at = own.order.findIndex((id, i) => id !== reference.order[i])
    if (at >= 0 || own.order.length !== reference.order.length) {
      problems.push(
        `${peer.name} orders the log differently from p0 (from position ${at >= 0 ? at : Math.min(own.order.length, reference.order.length)})`
      )
    }
    if (own.heads !== reference.heads) problems.push(`${peer.name} has heads ${own.heads.slice(0, 40)}…, p0 has ${reference.heads.slice(0, 40)}…`)
    if (!isDeepStrictEqual(own.view, reference.view)) problems.push(`${peer.name} shows a different view from p0`)
  }
  return problems
}

/** Cheap test that the logs agree, used to stop settling early. */
export function logsAgree(peers: readonly SimPeer[]): boolean {
  const first = peers[0]?.log
  if (first === undefined) return false
  const heads = first.heads().map(toHex).join()
  return peers.every((p) => p.log !== undefined && p.log.size === first.size && p.log.pendingCount === 0 && p.log.heads().map(toHex).join() === heads)
}

function fingerprint(log: GroupLog) {
  return { order: log.entries().map((e) => e.idHex), heads: log.heads().map(toHex).join(','), view: log.view.snapshot() }
}
