/**
 * MessageActions: edit, delete, react to and pin a message, from the
 * control API. Core's view applies an edit only by the message's author, a
 * deletion only by its author, a moderator or an admin, and a pin only by a
 * moderator or an admin, and ignores the rest; here such a request is
 * refused before anything is written, with an error that says whose
 * message it is and who may. Each resolves once the entry is committed,
 * with the message as the view now shows it.
 */
import { fromHex, type GroupLog, MAX_EMOJI_LENGTH, type Message, type Operation, requireModerator, toHex } from '@causette/core'
import type { MessageActionResponse, PinResponse } from '../api/api-types.ts'
import { InvalidRequestError, MessageDeletedError, NotYourMessageError, UnknownMessageError } from '../errors.ts'
import type { GroupAuthors } from './authors.ts'
import type { DaemonParts } from './daemon.ts'
import type { GroupDirectory, KnownGroup } from './group-directory.ts'
import { messageId } from './message-reads.ts'

/** What message actions work with, and nothing more. */
export type MessageActionComponents = Pick<DaemonParts, 'directory' | 'peer' | 'authors'>

/** A message a person named, in its group, as the view shows it now. */
export interface NamedMessage {
  known: KnownGroup
  log: GroupLog
  message: Message
}

export class MessageActions {
  private readonly parts: MessageActionComponents

  constructor(parts: MessageActionComponents) {
    this.parts = parts
  }

  /** Replaces the text of one of this person's messages, written on this device or another of theirs. */
  async edit(ref: string, message: string, text: string): Promise<MessageActionResponse> {
    return this.act(ref, message, (target, log) => {
      if (!log.ownKeys().has(target.author)) {
        throw new NotYourMessageError(`you can only edit your own messages; ${this.whose(log, target)} is not yours`)
      }
      return { type: 'edit', target: fromHex(target.id), text }
    })
  }

  /** Deletes a message: one's own, or anyone's as a moderator or an admin. */
  async delete(ref: string, message: string): Promise<MessageActionResponse> {
    return this.act(ref, message, (target, log) => {
      const role = log.membership()?.role(this.me())
      if (!log.ownKeys().has(target.author) && role !== 'moderator' && role !== 'admin') {
        throw new NotYourMessageError(
          `only its author, a moderator or an admin may delete ${this.whose(log, target)}; you are ${role === undefined ? 'not a member' : `a ${role}`} of this group`
        )
      }
      return { type: 'delete', target: fromHex(target.id) }
    })
  }

  /** Adds a reaction, or takes one's own back (`add` false). */
  async react(ref: string, message: string, emoji: string, add: boolean): Promise<MessageActionResponse> {
    if (emoji.trim() === '' || emoji.length > MAX_EMOJI_LENGTH) {
      throw new InvalidRequestError(`a reaction is one emoji or a short word (1 to ${MAX_EMOJI_LENGTH} characters)`)
    }
    return this.act(ref, message, (target) => ({ type: 'reaction', target: fromHex(target.id), emoji, add }))
  }

  /** Pins a message, or unpins it (`pinned` false): moderators and admins only. Nothing is written when it already is so. */
  async pin(ref: string, message: string, pinned: boolean): Promise<PinResponse> {
    const named = await namedMessage(this.parts.directory, ref, message)
    const membership = named.log.membership()
    if (membership !== undefined) requireModerator(membership, this.me(), pinned ? 'pin messages' : 'unpin messages')
    if (named.message.pinned === pinned) return { group: named.known.ref, message: named.message, changed: false }
    const done = await this.write(named, { type: 'pin', target: fromHex(named.message.id), pinned })
    return { ...done, changed: true }
  }

  private async act(ref: string, message: string, operation: (target: Message, log: GroupLog) => Operation): Promise<MessageActionResponse> {
    const named = await namedMessage(this.parts.directory, ref, message)
    return this.write(named, operation(named.message, named.log))
  }

  private async write(named: NamedMessage, op: Operation): Promise<MessageActionResponse> {
    await this.parts.peer.send(named.log.idHex, op)
    const now = await named.log.view.message(named.message.id)
    if (now === undefined) throw new UnknownMessageError(`message ${named.message.id.slice(0, 12)} is no longer in the view`)
    return { group: named.known.ref, message: now }
  }

  private me(): string {
    return toHex(this.parts.peer.key.publicKey)
  }

  private whose(log: GroupLog, target: Message): string {
    return whose(this.parts.authors.of(log), target)
  }
}

/**
 * The message `message` (an id or its start) of the group `ref`, as shown
 * now: UnknownMessageError when the group has none (or several) by that
 * name, MessageDeletedError when it was deleted.
 */
export async function namedMessage(directory: GroupDirectory, ref: string, message: string): Promise<NamedMessage> {
  const known = directory.resolve(ref)
  const log = await directory.openLog(known)
  const id = await messageId(log, message)
  const shown = await log.view.message(id)
  if (shown === undefined) throw new UnknownMessageError(`this group has no message ${message}`)
  if (shown.deleted) throw new MessageDeletedError(`message ${id.slice(0, 12)} was deleted: there is nothing to change`)
  return { known, log, message: shown }
}

/** A message as errors name it: `message 3fa2c4d5e6f7 (Alice's)`, or `poll …` for a poll. */
export function whose(people: GroupAuthors, target: Message): string {
  const name = people.view(target.author).name
  return `${target.poll === undefined ? 'message' : 'poll'} ${target.id.slice(0, 12)}${name === undefined ? '' : ` (${name}'s)`}`
}
