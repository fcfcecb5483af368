/**
 * Mentions: who a message names, and the messages that name this device.
 * A message mentions members by key (core keeps them in the message); the
 * daemon finds them in the text (`@Bob`, or `@` and the start of a key) and
 * from the names the sender gave explicitly. `mentions` lists the latest
 * messages that mention this device, newest first, reading each group's
 * latest MENTION_SCAN messages (a page at a time): older mentions are not
 * listed.
 */
import { devicesOf, fromHex, type GroupLog, type Message } from '@causette/core'
import type { SearchResponse } from '../api/api-types.ts'
import type { DaemonParts } from './daemon.ts'
import type { KnownGroup } from './group-directory.ts'
import { findMember } from './member-lookup.ts'

/** Messages of each group read back for `mentions`. */
export const MENTION_SCAN = 2_000
const PAGE = 200
/** `@` then a name without spaces or the start of a key, not inside a word (an e-mail address). */
const MENTION = /(?<![\p{L}\p{N}_.])@([\p{L}\p{N}_.-]+)/gu

/** The members a message names: each of `explicit` (refused when unknown or ambiguous), and each `@name` of the text that names one. */
export function mentionedKeys(parts: Pick<DaemonParts, 'authors'>, known: KnownGroup, log: GroupLog, text: string, explicit: string[]): Uint8Array[] {
  const members = log.membership()?.members ?? new Map()
  const keys = [...members.keys()]
  const lookup = {
    groupName: known.ref.name,
    keys,
    people: parts.authors.of(log),
    personOf: (device: string) => members.get(device)?.person ?? device
  }
  const found = new Set(explicit.map((ref) => findMember(lookup, ref)))
  for (const match of text.matchAll(MENTION)) {
    try {
      found.add(findMember(lookup, (match[1] as string).replace(/[.-]+$/, '')))
    } catch {
      // an @word that names no member (or several) is just text
    }
  }
  // a person is mentioned on every device of theirs, so each of them tells its person
  const devices = [...found].flatMap((person) => {
    const of = devicesOf(members, person)
    return of.length > 0 ? of : [person]
  })
  return [...new Set(devices)].map((key) => fromHex(key))
}

export async function mentionsOfMe(
  parts: Pick<DaemonParts, 'directory' | 'authors' | 'peer'>,
  options: { group?: string; limit: number }
): Promise<SearchResponse> {
  const groups = options.group === undefined ? parts.directory.list() : [parts.directory.resolve(options.group)]
  const found: Array<{ known: KnownGroup; log: GroupLog; message: Message }> = []
  for (const known of groups) {
    const log = await parts.directory.openLog(known)
    // the person is mentioned, whichever of their keys the writer named
    const own = log.ownKeys()
    let before: string | undefined
    for (let read = 0; read < MENTION_SCAN; read += PAGE) {
      const page = await log.view.messages({ limit: PAGE, ...(before === undefined ? {} : { before }) })
      for (const message of page.messages) if (!message.deleted && message.mentions.some((key) => own.has(key))) found.push({ known, log, message })
      before = page.messages[0]?.id
      if (!page.hasOlder || before === undefined) break
    }
  }
  const latest = found.sort((a, b) => b.message.time - a.message.time).slice(0, options.limit)
  const authors: SearchResponse['authors'] = {}
  for (const { log, message } of latest) authors[message.author] ??= parts.authors.of(log).view(message.author)
  return { query: '@me', results: latest.map(({ known, message }) => ({ group: known.ref, message })), authors }
}
