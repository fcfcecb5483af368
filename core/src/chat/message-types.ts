/**
 * What a group's view hands its readers, and what it takes of an entry:
 * the shapes GroupView (view.ts) and StoredView (stored-view.ts) share —
 * a message as shown, with its reactions, poll and files; a page of them;
 * the group's name, topic, description and timer.
 */
import type { Ordered } from '../log/order.ts'
import type { FileView } from './file-view.ts'
import type { Operation } from './operations.ts'
import type { Poll } from './polls.ts'

/** What the view needs of an entry; the log's own entries are ViewEntries. */
export interface ViewEntry extends Ordered {
  seq: number
  time: number
  /** The time to show, when it differs from the claimed one (see LogEntry.shownTime). */
  shownTime?: number
  /** Undefined for an entry this device cannot read: the view skips it. */
  op: Operation | undefined
  /** The writer's role where the entry stands in the log. */
  role: string | undefined
  /** The person the writing device is, when a linked device of another key (absent: the device is its own person). */
  person?: string
  /** When the entry expires (ms), for a disappearing message. */
  expires?: number
}

export interface Reaction {
  emoji: string
  /** The people who reacted (person keys, hex: a person's key is their first device's), in the order they reacted. */
  authors: string[]
}

export interface Message {
  id: string
  author: string
  /** When it was written, as shown: the author's clock, but never after a message written in answer to it. */
  time: number
  /** The author's clock, when it was later than messages written after it (a clock running ahead). */
  claimedTime?: number
  text: string
  edited: boolean
  deleted: boolean
  /** Deleted by someone other than its author (a moderator or an admin): who, by device key. */
  deletedBy?: string
  replyTo?: string
  mentions: string[]
  reactions: Reaction[]
  /** Pinned by a moderator or an admin (never once deleted): the group lists it among its pinned messages. */
  pinned: boolean
  /** Who pinned it (device key), while pinned. */
  pinnedBy?: string
  /** Set when the message is a poll (and not deleted): its options with the votes that count, and whether it is closed. */
  poll?: Poll
  /** A disappearing message: when it disappears (ms). */
  expires?: number
  /** The files it carries (not once deleted). */
  files?: FileView[]
}

export interface GroupMetadata {
  name: string
  topic: string
  description: string
  /** The group's disappearing-message timer in seconds; 0 when off. */
  disappearing: number
}

export interface MessagePage {
  /** Newest last. */
  messages: Message[]
  /** Whether older messages exist before the first one returned. */
  hasOlder: boolean
}
