/** How `causette status` says where a group is kept for members who are offline: "kept by 2 of 2 relays, up to date". */
import type { MailboxState } from '@causette/core'
import { formatTime, thousands } from './message-format.ts'

/** One line, or undefined for a daemon with no relays. */
export function mailboxLine(mailboxes: readonly MailboxState[]): string | undefined {
  if (mailboxes.length === 0) return undefined
  const kept = mailboxes.filter((m) => m.state === 'kept')
  const behind = kept.filter((m) => !m.upToDate).length
  const parts: string[] = []
  if (kept.length === 0) parts.push(`not kept by any of ${relays(mailboxes.length)} yet`)
  else {
    const last = Math.max(...kept.map((m) => m.syncedAt ?? 0))
    parts.push(
      `kept by ${kept.length} of ${relays(mailboxes.length)}, ${behind === 0 ? 'up to date' : `${behind} catching up`} (last ${formatTime(last)})`
    )
  }
  for (const m of mailboxes.filter((m) => m.transfer !== undefined && m.transfer.expected > 0)) {
    const t = m.transfer as NonNullable<MailboxState['transfer']>
    parts.push(`fetching from relay …${m.relay.slice(-6)}: ${thousands(t.received)} of ${thousands(t.expected)} entries`)
  }
  for (const m of mailboxes.filter((m) => m.state !== 'kept' && m.reason !== undefined)) {
    parts.push(`relay …${m.relay.slice(-6)} ${m.state === 'refused' ? 'refused' : m.state === 'failed' ? 'not reached' : 'waiting'}: ${m.reason}`)
  }
  return parts.join('; ')
}

function relays(n: number): string {
  return n === 1 ? '1 relay' : `${n} relays`
}

/** After `send --kept`: "Kept by 2 of 2 relays." */
export function keptLine(mailboxes: readonly MailboxState[] | undefined): string {
  if (mailboxes === undefined || mailboxes.length === 0)
    return 'No relay keeps this group: start the daemon with --relay <address> for members who are offline.'
  const kept = mailboxes.filter((m) => m.upToDate).length
  const why = mailboxes.filter((m) => !m.upToDate && m.reason !== undefined).map((m) => `relay …${m.relay.slice(-6)}: ${m.reason}`)
  const head = kept === 0 ? `Not kept by any of ${relays(mailboxes.length)} yet` : `Kept by ${kept} of ${relays(mailboxes.length)}`
  return `${head}${why.length > 0 ? ` (${why.join('; ')})` : ''}.`
}
