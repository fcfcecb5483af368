/**
 * What the group shows, rendered from view rows (view-rows.ts) with the
 * view's rules (chat/view.ts): edits are last-writer-wins and only by the
 * message's author; a delete by the author, a moderator or an admin wins
 * over every edit; a reaction is an add/remove register per (message,
 * author, emoji); a pin is a register per message; a poll counts each
 * member's latest valid vote before its close (polls.ts); every register
 * keeps the value of the row latest in the entry order. The rows come from a store that already left out what the
 * reader hides, so rendering is the same function of the rows whatever
 * order they were written in, and gives what GroupView gives for the same
 * entries.
 */
import { compare } from 'uint8arrays/compare'
import { toHex } from '../codec/hex.ts'
import { fileView } from './file-view.ts'
import type { GroupMetadata, Message, MessagePage, Reaction } from './message-types.ts'
import { type CastClose, type CastVote, tallyPoll } from './polls.ts'
import {
  type ChangeRow,
  type DeleteRow,
  type EditRow,
  type MessageRow,
  type MessageRows,
  type PinRow,
  personOfRow,
  type ReactionRow,
  type RegisterRow
} from './view-rows.ts'

/** The registers of a group, as GroupView's metadata(), displayNames() and readMarkersByAuthor() give them. */
export interface RenderedRegisters {
  metadata: GroupMetadata
  /** Display names by device key (hex). */
  displayNames: Map<string, string>
  /** Each member's read marker: the hex id of the newest message they have read. */
  readMarkers: Map<string, string>
}

/** The messages of a page, in the order of the rows (newest last), each with what its changes make of it. */
export function renderMessages(rows: MessageRows): Message[] {
  const byTarget = new Map<string, ChangeRow[]>()
  for (const change of rows.changes) {
    const target = toHex(change.target)
    const list = byTarget.get(target)
    if (list === undefined) byTarget.set(target, [change])
    else list.push(change)
  }
  return rows.messages.map((m) => renderMessage(m, byTarget.get(toHex(m.id)) ?? []))
}

/** The page a store read, as GroupView.messages gives it. */
export function renderPage(rows: MessageRows): MessagePage {
  return { messages: renderMessages(rows), hasOlder: rows.hasOlder }
}

export function renderRegisters(rows: readonly RegisterRow[]): RenderedRegisters {
  const group = new Map<string, RegisterRow>()
  const names = new Map<string, RegisterRow>()
  const reads = new Map<string, RegisterRow>()
  for (const row of rows) {
    if (row.name === 'display-name') keepLatest(names, row.author, row)
    else if (row.name === 'read') keepLatest(reads, row.author, row)
    else keepLatest(group, row.name, row)
  }
  return {
    metadata: {
      name: group.get('group-name')?.value ?? '',
      topic: group.get('topic')?.value ?? '',
      description: group.get('description')?.value ?? '',
      disappearing: Number(group.get('disappearing')?.value ?? 0)
    },
    displayNames: valuesByAuthor(names),
    readMarkers: valuesByAuthor(reads)
  }
}

/** The messages pinned now, by hex id, the latest pinned first, each with its pin: from pin rows of any messages, in any order. */
export function latestPins(rows: readonly PinRow[]): Array<{ target: string; pin: PinRow }> {
  const latest = new Map<string, PinRow>()
  for (const row of rows) {
    const target = toHex(row.target)
    const current = latest.get(target)
    if (current === undefined || compare(current.key, row.key) < 0) latest.set(target, row)
  }
  return [...latest]
    .filter(([, pin]) => pin.pinned)
    .sort(([, a], [, b]) => compare(b.key, a.key))
    .map(([target, pin]) => ({ target, pin }))
}

function renderMessage(row: MessageRow, changes: readonly ChangeRow[]): Message {
  let edit: EditRow | undefined
  /** The latest effective deletion, as the in-memory view (view.ts) keeps it. */
  let deletion: DeleteRow | undefined
  let pin: PinRow | undefined
  /** Key: person + '\n' + emoji: one register per person, whichever of their devices reacted. */
  const reactions = new Map<string, ReactionRow>()
  const votes: CastVote<Uint8Array>[] = []
  const closes: CastClose<Uint8Array>[] = []
  for (const c of changes) {
    if (c.kind === 'edit') {
      if (personOfRow(c) === personOfRow(row) && (edit === undefined || compare(edit.key, c.key) < 0)) edit = c
    } else if (c.kind === 'delete') {
      if (deletes(c, row) && (deletion === undefined || compare(deletion.key, c.key) < 0)) deletion = c
    } else if (c.kind === 'reaction') {
      const at = `${personOfRow(c)}\n${c.emoji}`
      const current = reactions.get(at)
      if (current === undefined || compare(current.key, c.key) < 0) reactions.set(at, c)
    } else if (c.kind === 'pin') {
      // pin rows are only ever made by moderators and admins (view-rows.ts)
      if (pin === undefined || compare(pin.key, c.key) < 0) pin = c
    } else if (c.kind === 'vote') {
      votes.push({ author: personOfRow(c), choices: c.choices, at: c.key })
    } else {
      closes.push({ author: personOfRow(c), ...(c.role === undefined ? {} : { role: c.role }), at: c.key })
    }
  }
  const deleted = deletion !== undefined
  const message: Message = {
    id: toHex(row.id),
    author: row.author,
    time: row.shownTime,
    ...(row.shownTime < row.time ? { claimedTime: row.time } : {}),
    text: deleted ? '' : (edit?.text ?? row.text),
    edited: !deleted && edit !== undefined,
    deleted,
    mentions: [...row.mentions],
    reactions: deleted ? [] : reactionsOf(reactions.values()),
    pinned: !deleted && pin?.pinned === true
  }
  if (row.expires !== undefined) message.expires = row.expires
  if (!deleted && row.files !== undefined) message.files = row.files.map(fileView)
  if (row.replyTo !== undefined) message.replyTo = toHex(row.replyTo)
  if (deletion !== undefined && personOfRow(deletion) !== personOfRow(row)) message.deletedBy = deletion.author
  if (message.pinned) message.pinnedBy = pin?.author as string
  if (!deleted && row.poll !== undefined) message.poll = tallyPoll(row.poll, personOfRow(row), votes, closes, compare)
  return message
}

function deletes(c: DeleteRow, target: MessageRow): boolean {
  return personOfRow(c) === personOfRow(target) || c.role === 'moderator' || c.role === 'admin'
}

/** Reactions present, grouped by emoji, each emoji and its authors in the order they reacted. */
function reactionsOf(latest: Iterable<ReactionRow>): Reaction[] {
  return byEmoji(
    [...latest]
      .filter((r) => r.add)
      .sort((a, b) => compare(a.key, b.key))
      .map((r) => ({ emoji: r.emoji, author: personOfRow(r) }))
  )
}

/** Reactions present, in the order they were made, as the view shows them: per emoji, its authors in that order. */
export function byEmoji(present: ReadonlyArray<{ emoji: string; author: string }>): Reaction[] {
  const authorsOf = new Map<string, string[]>()
  for (const r of present) {
    const authors = authorsOf.get(r.emoji)
    if (authors === undefined) authorsOf.set(r.emoji, [r.author])
    else authors.push(r.author)
  }
  return [...authorsOf].map(([emoji, authors]) => ({ emoji, authors }))
}

function keepLatest(map: Map<string, RegisterRow>, at: string, row: RegisterRow): void {
  const current = map.get(at)
  if (current === undefined || compare(current.key, row.key) < 0) map.set(at, row)
}

/** By author, sorted, so two renderings of the same rows list them alike. */
function valuesByAuthor(map: Map<string, RegisterRow>): Map<string, string> {
  return new Map([...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([author, row]) => [author, row.value]))
}
