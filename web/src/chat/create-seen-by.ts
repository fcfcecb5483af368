/**
 * "Seen by …" under the person's newest message: the other members whose
 * read marker reached it (core's seenBy), by name when few, else counted.
 * Nothing while this device sends no read receipts: like Signal and
 * WhatsApp, who does not tell others what they read is not told theirs.
 */
import { type CausettePeer, type Message, seenBy } from '@causette/core'
import { type Accessor, createResource } from 'solid-js'
import type { TabPreferences } from '../settings/tab-preferences.ts'
import { authorName } from './author-name.ts'

export function seenText(seen: readonly string[], of: number, names: Map<string, string>): string {
  if (of === 0) return ''
  if (seen.length === 0) return 'Not seen yet'
  if (seen.length === of) return of === 1 ? `Seen by ${authorName(names, seen[0] as string)}` : 'Seen by everyone'
  if (seen.length <= 2) return `Seen by ${seen.map((k) => authorName(names, k)).join(' and ')}`
  return `Seen by ${seen.length} of ${of}`
}

/** The id of the person's newest message among those shown, with what to say under it. */
export function createSeenBy(
  peer: CausettePeer,
  groupId: string,
  me: string,
  view: Accessor<{ messages: Message[]; names: Map<string, string> }>,
  preferences: TabPreferences
): Accessor<{ id: string; text: string } | undefined> {
  const [seen] = createResource(view, async ({ messages, names }) => {
    const mine = [...messages].reverse().find((m) => m.author === me && !m.deleted)
    if (mine === undefined || !peer.hasGroup(groupId)) return undefined
    const result = await seenBy(peer.group(groupId), mine.id)
    return result === undefined ? undefined : { id: mine.id, text: seenText(result.seen, result.of, names) }
  })
  return () => (preferences.sendsReceipts ? seen.latest : undefined)
}
