/**
 * MessageActions: edit, delete and react to a message, from the control API.
 * Core's view applies an edit only by the message's author and a deletion
 * only by its author, a moderator or an admin, and ignores the rest; here
 * such a request is refused before anything is written, with an error that
 * says whose message it is and who may. Each resolves once the entry is
 * committed, with the message as the view now shows it.
 */
import { fromHex, type GroupLog, MAX_EMOJI_LENGTH, type Message, type Operation, toHex } from '@causette/core'
import type { MessageActionResponse } from '../api/api-types.ts'
import { InvalidRequestError, MessageDeletedError, NotYourMessageError, UnknownMessageError } from '../errors.ts'
import type { DaemonParts } from './daemon.ts'
import { messageId } from './message-reads.ts'

/** What message actions work with, and nothing more. */
export type MessageActionComponents = Pick<DaemonParts, 'directory' | 'peer' | 'authors'>

export class MessageActions {
  private readonly parts: MessageActionComponents

  constructor(parts: MessageActionComponents) {
    this.parts = parts
  }

  /** Replaces the text of one of this device's messages. */
  async edit(ref: string, message: string, text: string): Promise<MessageActionResponse> {
    return this.act(ref, message, (target, log) => {
      if (target.author !== this.me()) {
        throw new NotYourMessageError(`you can only edit your own messages; ${this.whose(log, target)} is not yours`)
      }
      return { type: 'edit', target: fromHex(target.id), text }
    })
  }

  /** Deletes a message: one's own, or anyone's as a moderator or an admin. */
  async delete(ref: string, message: string): Promise<MessageActionResponse> {
    return this.act(ref, message, (target, log) => {
      const role = log.membership()?.role(this.me())
      if (target.author !== this.me() && role !== 'moderator' && role !== 'admin') {
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

  private async act(ref: string, message: string, operation: (target: Message, log: GroupLog) => Operation): Promise<MessageActionResponse> {
    const { directory, peer } = this.parts
    const known = directory.resolve(ref)
    const log = await directory.openLog(known)
    const id = await messageId(log, message)
    const target = await log.view.message(id)
    if (target === undefined) throw new UnknownMessageError(`this group has no message ${message}`)
    if (target.deleted) throw new MessageDeletedError(`message ${id.slice(0, 12)} was deleted: there is nothing to change`)
    await peer.send(log.idHex, operation(target, log))
    const now = await log.view.message(id)
    if (now === undefined) throw new UnknownMessageError(`message ${id.slice(0, 12)} is no longer in the view`)
    return { group: known.ref, message: now }
  }

  private me(): string {
    return toHex(this.parts.peer.key.publicKey)
  }

  private whose(log: GroupLog, target: Message): string {
    const name = this.parts.authors.of(log).view(target.author).name
    return `message ${target.id.slice(0, 12)}${name === undefined ? '' : ` (${name}'s)`}`
  }
}
