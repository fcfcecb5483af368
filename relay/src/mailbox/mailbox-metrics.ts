/** The mailbox's lines in /metrics (Prometheus text format): groups kept, entries and bytes stored, traffic, refusals by reason. */
import type { MailboxService } from './mailbox-service.ts'

export function mailboxMetrics(mailbox: MailboxService | undefined): string {
  if (mailbox === undefined) return ''
  const totals = mailbox.totals()
  const c = mailbox.counters
  const lines: string[] = []
  const metric = (name: string, help: string, values: Array<[string, number]>) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${name.endsWith('_total') ? 'counter' : 'gauge'}`)
    for (const [labels, value] of values) lines.push(`${name}${labels} ${value}`)
  }
  const byReason = (counts: Map<string, number>, reasons: string[]): Array<[string, number]> =>
    reasons.map((r) => [`{reason="${r}"}`, counts.get(r) ?? 0])
  metric('causette_relay_mailbox_groups', 'Groups the mailbox keeps.', [['', totals.groups]])
  metric('causette_relay_mailbox_entries', 'Entries stored for the groups kept.', [['', totals.entries]])
  metric('causette_relay_mailbox_bytes', 'Bytes of entries stored for the groups kept.', [['', totals.bytes]])
  metric('causette_relay_mailbox_entries_stored_total', 'Entries stored since the relay started.', [['', c.entriesStored]])
  metric('causette_relay_mailbox_gossip_entries_stored_total', "Of the entries stored, those that came by the groups' gossip.", [
    ['', c.gossipStored]
  ])
  metric('causette_relay_mailbox_gossip_topics', 'Gossip topics of kept groups the relay follows.', [['', mailbox.gossipTopics]])
  metric('causette_relay_mailbox_entries_served_total', 'Entries served to members since the relay started.', [['', c.entriesServed]])
  metric('causette_relay_mailbox_erased_total', 'Bodies of disappearing messages erased at their deadline since the relay started.', [['', c.erased]])
  metric('causette_relay_mailbox_file_pieces_kept_total', 'Pieces of files members handed to the mailbox since the relay started.', [
    ['', c.blobsKept]
  ])
  metric('causette_relay_mailbox_syncs_total', 'Sync sessions with members, by outcome.', [
    ['{outcome="completed"}', c.syncs],
    ['{outcome="failed"}', c.syncsFailed]
  ])
  metric(
    'causette_relay_mailbox_entries_refused_total',
    'Entries refused, by reason.',
    byReason(c.entryRefusals, ['malformed', 'oversize', 'forged', 'wrong-group', 'rate', 'over-quota', 'erased-early'])
  )
  metric(
    'causette_relay_mailbox_keep_refused_total',
    'Requests to keep a group refused, by reason.',
    byReason(c.keepRefusals, ['not-admin', 'full', 'replaced', 'other-group'])
  )
  return `${lines.join('\n')}\n`
}
