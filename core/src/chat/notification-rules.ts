/**
 * Which arriving message notifies the person (the daemon's desktop
 * notifications and the web app's alike): one others wrote (not this
 * person from another of their devices), new to this
 * device and fresh (arrived live, or written in the last minutes — not
 * history coming in by catch-up), in a group not muted, by a member not
 * blocked, and wanted by the group's level: every message, or mentions of
 * this person and replies to their messages. A muted group never notifies,
 * mentions included, as in Signal.
 */
import type { Message } from './message-types.ts'

/** Which messages of a group notify: every one, mentions of this person and replies to them, or none. */
export type NotifyLevel = 'all' | 'mentions' | 'off'

/** A message caught up by sync is still news if written this recently. */
export const FRESH_MS = 2 * 60_000

export interface ArrivedMessage {
  message: Pick<Message, 'author' | 'time' | 'deleted' | 'mentions'>
  /** How it arrived: 'gossip' is live; 'sync', 'import', … bring history. */
  source: string
  /** First seen now (not an edit, a reaction or a vote on an older one). */
  isNew: boolean
  /** The author of the message it replies to, if any. */
  repliesTo?: string
}

export interface Circumstances {
  /** This person's keys in the group: this device, its person, the person's other devices (GroupLog.ownKeys). */
  own: ReadonlySet<string>
  muted: boolean
  level: NotifyLevel
  blocked: (key: string) => boolean
  now: number
}

/** Why a message notifies ('mention', 'reply', 'message'), or undefined when it does not. */
export function notificationReason(arrived: ArrivedMessage, c: Circumstances): 'mention' | 'reply' | 'message' | undefined {
  const { message } = arrived
  if (!arrived.isNew || message.deleted || c.own.has(message.author) || c.blocked(message.author)) return undefined
  if (c.muted || c.level === 'off') return undefined
  if (arrived.source !== 'gossip' && c.now - message.time > FRESH_MS) return undefined
  if (message.mentions.some((key) => c.own.has(key))) return 'mention'
  if (arrived.repliesTo !== undefined && c.own.has(arrived.repliesTo)) return 'reply'
  return c.level === 'all' ? 'message' : undefined
}
