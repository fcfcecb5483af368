/**
 * The view as rows a store keeps: what one accepted entry contributes to
 * what the group shows, a pure function of that entry alone (`rowsOf`).
 * Nothing here looks at another entry, so the rows of a set of entries are
 * the same whatever order they arrive in; the rules that relate entries
 * (only the author edits, who may delete, last writer wins, deletes win,
 * one reaction per author and emoji) are applied when rows are rendered
 * (view-render.ts), over the rows a store reads back a page at a time.
 *
 * Two rules are applied here because they read only the entry itself:
 * name, topic and description changes count only from an admin, and pins
 * only from a moderator or an admin (the writer's role where the entry
 * stands, fixed when it was accepted), so such a change by anyone else
 * makes no row. That keeps register and pin rows free of roles, and lets a
 * store keep "the latest row per register" (or per pinned message) without
 * knowing what an admin is. A create names the group whatever the role.
 *
 * Hidden ranges are what a reader leaves out: entries of a member written
 * while out of the group (removal gaps, MembershipState.gaps) and every
 * entry of a blocked member. They are passed to every read, never written
 * into rows, so a new gap or block list needs no rewrite. Display names are
 * never hidden: a blocked member keeps a name, so lists can say who it is.
 */
import { fromHex, toHex } from '../codec/hex.ts'
import type { Gap } from '../group/standing.ts'
import { orderKey } from '../log/order.ts'
import type { ViewEntry } from './message-types.ts'
import type { FileRef, PollSpec } from './operations.ts'
import { mayPin } from './polls.ts'

/** A message as written: its current text, edits, deletes and reactions are change rows naming it. */
export interface MessageRow {
  kind: 'message'
  id: Uint8Array
  /** The entry's order key (log/order.ts): messages are read in this order, and paged by it. */
  key: Uint8Array
  /** Hex device key. */
  author: string
  /** The person the author's device is, when a linked device (absent: its own person). */
  person?: string
  seq: number
  /** The author's claimed time (ms). */
  time: number
  /** The time to show: `time`, or earlier once a descendant capped it (setShownTimes). */
  shownTime: number
  text: string
  replyTo?: Uint8Array
  /** Hex device keys. */
  mentions: string[]
  /** Set when the message is a poll: its options and whether several may be chosen. */
  poll?: PollSpec
  /** When it disappears (ms): its entry's expiry. */
  expires?: number
  /** The files it carries. */
  files?: FileRef[]
}

interface ChangeFields {
  /** Id of the message it changes (which may not have arrived yet). */
  target: Uint8Array
  /** Order key of the entry that made it: the later one wins. */
  key: Uint8Array
  author: string
  seq: number
}

/** Counts only when written by the message's author: the same person, from any of their devices. */
export interface EditRow extends ChangeFields {
  kind: 'edit'
  text: string
  /** The person the writing device is, when a linked device (absent: its own person). */
  person?: string
}

/** Counts when written by the message's author, a moderator or an admin. */
export interface DeleteRow extends ChangeFields {
  kind: 'delete'
  /** The writer's role where the entry stands; absent when it had none. */
  role?: string
  /** The person the writing device is, when a linked device (absent: its own person). */
  person?: string
}

/** One register per (message, person, emoji): the latest, from any of the person's devices, says whether it is there. */
export interface ReactionRow extends ChangeFields {
  kind: 'reaction'
  emoji: string
  add: boolean
  /** The person the writing device is, when a linked device (absent: its own person). */
  person?: string
}

/** Written only by a moderator or an admin (rowsOf makes none for others): the latest per message says whether it is pinned. */
export interface PinRow extends ChangeFields {
  kind: 'pin'
  pinned: boolean
}

/** One register per (poll, person): the latest valid vote before the poll's close, from any of the person's devices, counts (chat/polls.ts). */
export interface VoteRow extends ChangeFields {
  kind: 'vote'
  /** Option indexes, ascending; none withdraws the vote. */
  choices: number[]
  /** The person the writing device is, when a linked device (absent: its own person). */
  person?: string
}

/** Closes the poll it names when written by the poll's author (the same person) or an admin. */
export interface CloseRow extends ChangeFields {
  kind: 'close'
  /** The writer's role where the entry stands; absent when it had none. */
  role?: string
  /** The person the writing device is, when a linked device (absent: its own person). */
  person?: string
}

export type ChangeRow = EditRow | DeleteRow | ReactionRow | PinRow | VoteRow | CloseRow

/** Registers of the whole group: the latest row of each wins. */
export const GROUP_REGISTERS = ['group-name', 'topic', 'description', 'disappearing'] as const
/** Registers of each member: the latest row per (name, author) wins. */
export const AUTHOR_REGISTERS = ['display-name', 'read'] as const

export type RegisterName = (typeof GROUP_REGISTERS)[number] | (typeof AUTHOR_REGISTERS)[number]

/** A value written to a register: the group's name, topic, description or timer (seconds), a member's display name or read marker. */
export interface RegisterRow {
  kind: 'register'
  name: RegisterName
  key: Uint8Array
  author: string
  seq: number
  /** For 'read', the hex id of the newest message read. */
  value: string
}

export type ViewRow = MessageRow | ChangeRow | RegisterRow

/** A reader leaves out entries of `author` with after < seq < until (inGap); a blocked author is (-1, Infinity). */
export interface HiddenRange {
  /** Hex device key, lowercase as toHex writes it. */
  author: string
  after: number
  /** Number.POSITIVE_INFINITY for a gap still open or a blocked author. */
  until: number
}

/** A page of messages with what changes them, as a store reads it. */
export interface MessageRows {
  /** In order, newest last. */
  messages: MessageRow[]
  /** The visible edits, deletes and reactions naming those messages, in no particular order. */
  changes: ChangeRow[]
  /** Whether visible messages exist before the first one returned. */
  hasOlder: boolean
}

/** The person a row's writer is: its device's person, or the device itself. */
export function personOfRow(row: { author: string; person?: string }): string {
  return row.person ?? row.author
}

/** The rows an accepted entry makes: none for an unreadable entry, membership operations and unknown operations. */
export function rowsOf(entry: ViewEntry & { id: Uint8Array }): ViewRow[] {
  if (entry.op === undefined) return []
  return rowsAt(entry, orderKey({ clock: entry.clock, author: fromHex(entry.authorHex), id: entry.id }))
}

/** rowsOf with the entry's order key made already (the log makes it once for the store, the rows and sync). */
export function rowsAt(entry: ViewEntry & { id: Uint8Array }, key: Uint8Array): ViewRow[] {
  const op = entry.op
  if (op === undefined) return []
  const by = { key, author: entry.authorHex, seq: entry.seq }
  const person = entry.person === undefined ? {} : { person: entry.person }
  const register = (name: RegisterName, value: string): RegisterRow => ({ kind: 'register', name, ...by, value })
  switch (op.type) {
    case 'message': {
      const row: MessageRow = {
        kind: 'message',
        id: entry.id,
        ...by,
        ...person,
        time: entry.time,
        shownTime: entry.shownTime ?? entry.time,
        text: op.text,
        mentions: (op.mentions ?? []).map(toHex)
      }
      if (op.replyTo !== undefined) row.replyTo = op.replyTo
      if (op.poll !== undefined) row.poll = { options: [...op.poll.options], multiple: op.poll.multiple }
      if (entry.expires !== undefined) row.expires = entry.expires
      if (op.files !== undefined) row.files = op.files.map((f) => ({ ...f }))
      return [row]
    }
    case 'edit':
      return [{ kind: 'edit', target: op.target, ...by, ...person, text: op.text }]
    case 'delete': {
      const row: DeleteRow = { kind: 'delete', target: op.target, ...by, ...person }
      if (entry.role !== undefined) row.role = entry.role
      return [row]
    }
    case 'reaction':
      return [{ kind: 'reaction', target: op.target, ...by, ...person, emoji: op.emoji, add: op.add }]
    case 'pin':
      return mayPin(entry.role) ? [{ kind: 'pin', target: op.target, ...by, pinned: op.pinned }] : []
    case 'vote':
      return [{ kind: 'vote', target: op.poll, ...by, ...person, choices: [...op.choices] }]
    case 'close-poll': {
      const row: CloseRow = { kind: 'close', target: op.poll, ...by, ...person }
      if (entry.role !== undefined) row.role = entry.role
      return [row]
    }
    case 'create':
      return [register('group-name', op.name)]
    case 'metadata': {
      if (entry.role !== 'admin') return []
      const rows: RegisterRow[] = []
      if (op.name !== undefined) rows.push(register('group-name', op.name))
      if (op.topic !== undefined) rows.push(register('topic', op.topic))
      if (op.description !== undefined) rows.push(register('description', op.description))
      if (op.disappearing !== undefined) rows.push(register('disappearing', String(op.disappearing)))
      return rows
    }
    case 'profile':
      return [register('display-name', op.displayName)]
    case 'read':
      return [register('read', toHex(op.upTo))]
    default:
      // membership operations and operations of newer clients
      return []
  }
}

/** Whether an entry of `author` with `seq` is left out by these ranges (the rule of inGap). */
export function isHidden(hidden: readonly HiddenRange[], author: string, seq: number): boolean {
  return hidden.some((h) => h.author === author && seq > h.after && seq < h.until)
}

/** Whether a row is left out: display names never are. */
export function rowHidden(hidden: readonly HiddenRange[], row: ViewRow): boolean {
  if (row.kind === 'register' && row.name === 'display-name') return false
  return isHidden(hidden, row.author, row.seq)
}

/** The ranges a reader passes: every removal gap, and every entry of each blocked author. */
export function hiddenRangesOf(gaps: ReadonlyMap<string, readonly Gap[]>, blocked: Iterable<string> = []): HiddenRange[] {
  const ranges: HiddenRange[] = []
  for (const author of blocked) ranges.push({ author, after: -1, until: Number.POSITIVE_INFINITY })
  for (const [author, list] of gaps) for (const g of list) ranges.push({ author, after: g.after, until: g.until })
  return ranges
}
