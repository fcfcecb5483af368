/**
 * The view rows (core's chat/view-rows.ts) as the columns of the SQLite
 * view's tables (migrations 7, 10, 12, 13 and 14) and back: what each kind of
 * row writes, and what a read gives back. A poll, a vote's choices and a
 * message's files are JSON; authors are bytes; absent fields are NULL.
 */
import type { SQLInputValue } from 'node:sqlite'
import { type ChangeRow, type FileView, fileRefOf, fileView, fromHex, type MessageRow, type PollSpec, type RegisterName, toHex } from '@causette/core'

export const MESSAGE_COLUMNS =
  'm.id, m.key, m.author, m.seq, m.time, m.shown_time, m.text, m.reply_to, m.mentions, m.poll, m.expires, m.files, m.person'
export const CHANGE_COLUMNS = 'c.target, c.key, c.author, c.seq, c.kind, c.text, c.role, c.emoji, c.added, c.choices, c.person'

export interface MessageColumns {
  id: Uint8Array
  key: Uint8Array
  author: Uint8Array
  seq: number
  time: number
  shown_time: number
  text: string
  reply_to: Uint8Array | null
  mentions: string
  /** JSON of the PollSpec, for a poll. */
  poll: string | null
  expires: number | null
  /** JSON of the FileViews, for a message with files. */
  files: string | null
  /** The author's person, for a linked device. */
  person: string | null
}

export interface ChangeColumns {
  target: Uint8Array
  key: Uint8Array
  author: Uint8Array
  seq: number
  kind: ChangeRow['kind']
  text: string | null
  role: string | null
  emoji: string | null
  /** A reaction: 1 added, 0 taken back; a pin: 1 pinned, 0 unpinned. */
  added: number | null
  /** A vote: JSON of the option indexes. */
  choices: string | null
  /** The writer's person, for a linked device (every kind but pins; reactions, votes and closes since the person's devices shared them). */
  person: string | null
}

export interface RegisterColumns {
  name: RegisterName
  author: Uint8Array
  key: Uint8Array
  seq: number
  value: string
}

/** A message row's columns after the group, in the order of the insert (sqlite-view.ts). */
export function messageValues(r: MessageRow): SQLInputValue[] {
  const poll = r.poll === undefined ? null : JSON.stringify(r.poll)
  const files = r.files === undefined ? null : JSON.stringify(r.files.map(fileView))
  return [
    r.id,
    r.key,
    fromHex(r.author),
    r.seq,
    r.time,
    r.shownTime,
    r.text,
    r.replyTo ?? null,
    r.mentions.join(','),
    poll,
    r.expires ?? null,
    files,
    r.person ?? null
  ]
}

/** A change row's columns after the group, in the order of the insert (sqlite-view.ts). */
export function changeValues(r: ChangeRow): SQLInputValue[] {
  const text = r.kind === 'edit' ? r.text : null
  const role = r.kind === 'delete' || r.kind === 'close' ? (r.role ?? null) : null
  const emoji = r.kind === 'reaction' ? r.emoji : null
  const added = r.kind === 'reaction' ? Number(r.add) : r.kind === 'pin' ? Number(r.pinned) : null
  const choices = r.kind === 'vote' ? JSON.stringify(r.choices) : null
  const person = r.kind === 'pin' ? null : (r.person ?? null)
  return [r.key, r.target, fromHex(r.author), r.seq, r.kind, text, role, emoji, added, choices, person]
}

export function messageOf(r: MessageColumns): MessageRow {
  const row: MessageRow = {
    kind: 'message',
    id: r.id,
    key: r.key,
    author: toHex(r.author),
    seq: r.seq,
    time: r.time,
    shownTime: r.shown_time,
    text: r.text,
    mentions: r.mentions === '' ? [] : r.mentions.split(',')
  }
  if (r.reply_to !== null) row.replyTo = r.reply_to
  if (r.poll !== null) row.poll = JSON.parse(r.poll) as PollSpec
  if (r.expires !== null) row.expires = r.expires
  if (r.files !== null) row.files = (JSON.parse(r.files) as FileView[]).map(fileRefOf)
  if (r.person !== null) row.person = r.person
  return row
}

export function changeOf(r: ChangeColumns): ChangeRow {
  const by = { target: r.target, key: r.key, author: toHex(r.author), seq: r.seq }
  const person = r.person === null ? {} : { person: r.person }
  switch (r.kind) {
    case 'edit':
      return { kind: 'edit', ...by, ...person, text: r.text as string }
    case 'reaction':
      return { kind: 'reaction', ...by, ...person, emoji: r.emoji as string, add: r.added === 1 }
    case 'pin':
      return { kind: 'pin', ...by, pinned: r.added === 1 }
    case 'vote':
      return { kind: 'vote', ...by, ...person, choices: JSON.parse(r.choices as string) as number[] }
    case 'delete':
    case 'close':
      return r.role === null ? { kind: r.kind, ...by, ...person } : { kind: r.kind, ...by, ...person, role: r.role }
  }
}
