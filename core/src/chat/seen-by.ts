/**
 * Who has seen a message: the other current members whose read marker (a
 * `read` operation, written as they read) names this message or one after
 * it in the group's order. "Seen by 2 of 3" under a person's own message,
 * as in the messengers people know. A member who turned read receipts off,
 * or reads with a client that writes no marker, is never counted.
 */
import { compare } from 'uint8arrays/compare'
import type { GroupLog } from '../log/group-log.ts'

export interface SeenBy {
  /** Device keys (hex) of the members who have seen it. */
  seen: string[]
  /** How many other current members could have: all but its author. */
  of: number
}

export async function seenBy(log: GroupLog, messageId: string): Promise<SeenBy | undefined> {
  const target = await log.view.keyedMessage(messageId)
  if (target === undefined) return undefined
  const author = target.message.author
  const others = log.members().filter((m) => m.key !== author)
  const markers = log.view.readMarkersByAuthor()
  const seen: string[] = []
  for (const member of others) {
    const marker = markers.get(member.key)
    if (marker === undefined) continue
    const read = marker === messageId ? target : await log.view.keyedMessage(marker)
    if (read !== undefined && compare(read.key, target.key) >= 0) seen.push(member.key)
  }
  return { seen, of: others.length }
}
