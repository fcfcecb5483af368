/**
 * What the daemon reads of a group's messages: history a page at a time,
 * its pinned messages, search across groups, export, and a message named
 * by the start of its id.
 * All of it comes from each group's view, kept in the store with the
 * entries (core's StoredView), so what is read is what the log holds, even
 * right after a crash; a group still opening is waited for (it opens in
 * tens of milliseconds, or reads its history once after an upgrade).
 */
import { exportLine, fromHex, type GroupLog, type Message, type SearchHit, type Store, searchMessages, seenBy } from '@causette/core'
import type { AuthorView, HistoryResponse, PinsResponse, SearchResponse } from '../api/api-types.ts'
import { UnknownMessageError } from '../errors.ts'
import { searchQuery } from '../store/search-query.ts'
import type { GroupAuthors } from './authors.ts'
import type { DaemonParts } from './daemon.ts'

const EXPORT_PAGE = 1000

export type MessageReadComponents = Pick<DaemonParts, 'directory' | 'authors'> & {
  store: Pick<Store, 'searchMessageRows'>
  preferences: Pick<DaemonParts['preferences'], 'sendsReceipts'>
}

export class MessageReads {
  private readonly parts: MessageReadComponents

  constructor(parts: MessageReadComponents) {
    this.parts = parts
  }

  async history(ref: string, options: { limit: number; before?: string }): Promise<HistoryResponse> {
    const { directory, authors } = this.parts
    const known = directory.resolve(ref)
    const log = await directory.openLog(known)
    const before = options.before === undefined ? undefined : await messageId(log, options.before)
    const page = await log.view.messages({ limit: options.limit, ...(before === undefined ? {} : { before }) })
    // like the messengers people know: who sends no read receipts sees no one's
    const mine = this.parts.preferences.sendsReceipts ? page.messages.findLast((m) => m.author === authors.self && !m.deleted) : undefined
    const seen = mine === undefined ? undefined : await seenBy(log, mine.id)
    return {
      group: known.ref,
      messages: page.messages,
      hasOlder: page.hasOlder,
      authors: authors.of(log).viewsOf([...page.messages.flatMap(peopleOf), ...(seen?.seen ?? [])]),
      ...(mine === undefined || seen === undefined ? {} : { seen: { message: mine.id, by: seen.seen, of: seen.of } })
    }
  }

  /** The group's pinned messages, the latest pinned first. */
  async pins(ref: string): Promise<PinsResponse> {
    const { directory, authors } = this.parts
    const known = directory.resolve(ref)
    const log = await directory.openLog(known)
    const messages = await log.view.pinnedMessages()
    return { group: known.ref, messages, authors: authors.of(log).viewsOf(messages.flatMap(peopleOf)) }
  }

  async search(query: string, options: { group?: string; limit: number }): Promise<SearchResponse> {
    const { directory, authors, store } = this.parts
    const words = searchQuery(query)
    const known = options.group === undefined ? undefined : directory.resolve(options.group)
    if (known !== undefined) await directory.openLog(known)
    const hits = await searchMessages(
      store,
      words,
      { limit: options.limit, ...(known === undefined ? {} : { group: known.record.id }) },
      (groupId) => directory.get(groupId)?.log?.view
    )
    return {
      query,
      results: hits.map((hit) => {
        const group = directory.get(hit.groupId)
        return { group: group === undefined ? { id: hit.groupId, name: '' } : group.ref, message: hit.message }
      }),
      authors: authorsOfHits(hits, (groupId) => authors.of(directory.get(groupId)?.log))
    }
  }

  /** The group's readable history as JSON lines, oldest first, a page at a time. */
  async *exportLines(ref: string): AsyncGenerator<string> {
    const { directory, authors } = this.parts
    const known = directory.resolve(ref)
    const log = await directory.openLog(known)
    const people = authors.of(log)
    let after: Uint8Array | undefined
    for (;;) {
      const page = await log.view.messagesAfter(EXPORT_PAGE, after)
      if (page.length === 0) return
      yield page
        .map(({ message: m }) => {
          const author = people.view(m.author)
          return exportLine(m, { fingerprint: author.fingerprint, ...(author.name === undefined ? {} : { name: author.name }) })
        })
        .join('')
      after = (page[page.length - 1] as { key: Uint8Array }).key
      // let the event loop breathe between pages of a long export
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
}

/**
 * The full id (hex) of the group's message whose id starts with `prefix`
 * (lowercase hex). Throws UnknownMessageError when none or several match.
 */
export async function messageId(log: GroupLog, prefix: string): Promise<string> {
  const ids = await log.view.idsStartingWith(prefix)
  if (ids.length === 0) throw new UnknownMessageError(`this group has no message ${prefix}`)
  if (ids.length > 1) throw new UnknownMessageError(`several messages of this group start with ${prefix}: give more of the id`)
  return ids[0] as string
}

/** The same as a byte string, for operations that name a message. */
export async function messageIdBytes(log: GroupLog, prefix: string): Promise<Uint8Array> {
  return fromHex(await messageId(log, prefix))
}

/** Everyone a message names, whom a reader wants to see by name: its author, who deleted or pinned it, whom it mentions, who voted. */
export function peopleOf(m: Message): string[] {
  const people = [m.author, ...m.mentions]
  if (m.deletedBy !== undefined) people.push(m.deletedBy)
  if (m.pinnedBy !== undefined) people.push(m.pinnedBy)
  for (const option of m.poll?.options ?? []) people.push(...option.voters)
  return people
}

/** The views of the people search hits name (peopleOf), each named as in the group of its hit. */
function authorsOfHits(hits: SearchHit[], groupAuthors: (groupId: string) => GroupAuthors): Record<string, AuthorView> {
  const byGroup = new Map<string, GroupAuthors>()
  const out: Record<string, AuthorView> = {}
  for (const hit of hits) {
    let people = byGroup.get(hit.groupId)
    if (people === undefined) {
      people = groupAuthors(hit.groupId)
      byGroup.set(hit.groupId, people)
    }
    for (const key of peopleOf(hit.message)) out[key] ??= people.view(key)
  }
  return out
}
