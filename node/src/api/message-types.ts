/**
 * The control API's answers about messages: a message as the group's view
 * shows it (with its poll and files), a page of history, search results,
 * what sending, changing, pinning or polling gives back, and a group's
 * about. Types only (api-types.ts gathers them). docs/control-api.md
 * documents each.
 */
import type { FileView, MailboxState } from '@causette/core'
import type { AuthorView, GroupRef } from './api-types.ts'

export interface MessageView {
  id: string
  author: string
  time: number
  text: string
  edited: boolean
  deleted: boolean
  /** Deleted by a moderator or an admin, not its author: who (device key). */
  deletedBy?: string
  replyTo?: string
  mentions: string[]
  reactions: Array<{ emoji: string; authors: string[] }>
  /** Pinned by a moderator or an admin; never a deleted message. */
  pinned: boolean
  /** Who pinned it (device key), while pinned. */
  pinnedBy?: string
  /** Set when the message is a poll (its `text` is the question), until it is deleted. */
  poll?: PollView
  /** A disappearing message: when it disappears (ms since 1970). */
  expires?: number
  /** The files it carries (core's FileView: name, type, size, root, key, placeholder, dimensions). */
  files?: FileView[]
}

/** A poll's results: options in the order written (number n in the CLI and the vote endpoint is options[n - 1]). */
export interface PollView {
  /** Each option with the votes that count: each member's latest vote before the poll was closed. */
  options: Array<{ text: string; votes: number; voters: string[] }>
  /** Several options may be chosen. */
  multiple: boolean
  /** Closed by its author or an admin: votes no longer count. */
  closed: boolean
  closedBy?: string
}

export interface HistoryResponse {
  group: GroupRef
  /** Oldest first. */
  messages: MessageView[]
  hasOlder: boolean
  /** Every author of the messages above (and of `seen`). */
  authors: Record<string, AuthorView>
  /** This device's newest message on the page, and the other members whose read markers reached it (core's seenBy). */
  seen?: { message: string; by: string[]; of: number }
}

export interface SearchResponse {
  query: string
  /** Newest first. */
  results: Array<{ group: GroupRef; message: MessageView }>
  authors: Record<string, AuthorView>
}

/** A group's name, topic and description, as its view shows them. */
export interface AboutResponse {
  group: GroupRef
  name: string
  topic: string
  description: string
  /** The disappearing-message timer in seconds; 0 when off. */
  disappearing: number
}

/** A message after an edit, a deletion or a reaction, as the group's view now shows it. */
export interface MessageActionResponse {
  group: GroupRef
  message: MessageView
}

/** A message pinned or unpinned; `changed` is false when it already was (nothing was written). */
export interface PinResponse extends MessageActionResponse {
  changed: boolean
}

/** A group's pinned messages, the latest pinned first. */
export interface PinsResponse {
  group: GroupRef
  messages: MessageView[]
  /** Every author, pinner and voter of the messages above. */
  authors: Record<string, AuthorView>
}

/** A poll after it was created, voted in or closed, as the group's view now shows it, with the people it names. */
export interface PollResponse {
  group: GroupRef
  message: MessageView
  authors: Record<string, AuthorView>
}

export interface SendResponse {
  group: GroupRef
  message: MessageView
  /** With `waitKeptMs`: each relay's mailbox once it holds the message, or when the wait ran out. */
  mailboxes?: MailboxState[]
}
