/**
 * Unread messages: those others wrote after the newest of this person's
 * read markers (a `read` operation: `causette read`, or opening the group in
 * the web app, on any of the person's devices), this device's reading
 * position kept on the device only (when it sends no read receipts), and
 * the person's latest message from any device (writing in a group means one
 * has read it). Counted from the newest back, a page at a time, up to
 * UNREAD_CAP ("999+"), with how many of them mention this person.
 */
import { fromHex } from '../codec/hex.ts'
import type { GroupLog } from '../log/group-log.ts'
import type { ReadMarkerOperation } from './operations.ts'

export const UNREAD_CAP = 999
const PAGE = 200

export interface Unread {
  unread: number
  mentions: number
}

export interface ReadPosition {
  /** The newest message this device read, kept on the device rather than written as a read marker (receipts off). */
  readUpTo?: string
}

export async function unreadOf(log: GroupLog, me: string, position: ReadPosition = {}): Promise<Unread> {
  const own = log.membership()?.ownKeys(me) ?? new Set([me])
  const markers = log.view.readMarkersByAuthor()
  const marked = new Set([...own].flatMap((key) => markers.get(key) ?? []))
  const counts: Unread = { unread: 0, mentions: 0 }
  let before: string | undefined
  for (;;) {
    const page = await log.view.messages({ limit: PAGE, ...(before === undefined ? {} : { before }) })
    for (let i = page.messages.length - 1; i >= 0; i--) {
      const m = page.messages[i] as (typeof page.messages)[number]
      // newest first: whichever of the marker, the kept position and own message comes first is the latest read
      if (marked.has(m.id) || m.id === position.readUpTo || own.has(m.author)) return counts
      if (m.deleted) continue
      counts.unread++
      if (m.mentions.some((key) => own.has(key))) counts.mentions++
      if (counts.unread > UNREAD_CAP) return counts
    }
    before = page.messages[0]?.id
    if (!page.hasOlder || before === undefined) return counts
  }
}

/** The read marker that marks everything read now, or undefined when nothing is unread. */
export async function readUpToNow(log: GroupLog, me: string, position: ReadPosition = {}): Promise<ReadMarkerOperation | undefined> {
  if ((await unreadOf(log, me, position)).unread === 0) return undefined
  const newest = (await log.view.messages({ limit: 1 })).messages[0]
  return newest === undefined ? undefined : { type: 'read', upTo: fromHex(newest.id) }
}
