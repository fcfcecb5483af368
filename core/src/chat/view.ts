/**
 * The materialised view of a group, in memory (the reference the stored
 * view is held to; the shapes it hands out are in message-types.ts):
 * messages with their current text,
 * replies, mentions and reactions, plus the group's name and topic. It is a
 * pure function of the set of entries applied, whatever the order they come
 * in: every changeable thing is a register that keeps the value written by
 * the entry latest in the total order, and operations on a message not seen
 * yet wait for it.
 *
 * Rules: edits are last-writer-wins and only by the message's author; a delete
 * by the author, a moderator or an admin wins over every edit; a reaction is
 * an add/remove register per (message, author, emoji); a pin is a register
 * per message among moderators' and admins' pins; a poll counts each
 * member's latest valid vote before its close (polls.ts); name, topic and
 * description are last-writer-wins among admins' changes; each member's
 * display name is last-writer-wins among their own changes. Roles are those
 * of the writer where the entry stands in the log, so they too are a
 * function of the entry set. Membership itself is the log's business.
 */
import { toHex } from '../codec/hex.ts'
import { compareOrder, type Ordered } from '../log/order.ts'
import { fileView } from './file-view.ts'
import type { GroupMetadata, Message, MessagePage, Reaction, ViewEntry } from './message-types.ts'
import type { FileRef, PollSpec } from './operations.ts'
import { type CastClose, type CastVote, mayPin, tallyPoll } from './polls.ts'
import { byEmoji } from './view-render.ts'

interface Register<T> {
  value: T
  at: ViewEntry
}

interface MessageState {
  entry: ViewEntry
  text: string
  replyTo?: string
  mentions: readonly string[]
  edit?: Register<string>
  deletion?: Register<true>
  /** Key: person hex + '\n' + emoji (one register per person, whichever device reacted); made on the first reaction (most messages have none). */
  reactions?: Map<string, Register<boolean> & { emoji: string; author: string }>
  pin?: Register<boolean>
  poll?: PollSpec
  files?: FileRef[]
  /** Every vote and close naming it (a poll's results depend on their order, settled when rendered). */
  votes?: CastVote<ViewEntry>[]
  closes?: CastClose<ViewEntry>[]
}

/** Shared by every message without mentions: one empty list, not one per message. */
const NO_MENTIONS: readonly string[] = Object.freeze([])

function later<T>(current: Register<T> | undefined, value: T, at: ViewEntry): Register<T> {
  return current === undefined || compareOrder(current.at, at) < 0 ? { value, at } : current
}

export class GroupView {
  private readonly byId = new Map<string, MessageState>()
  /** Messages in entry order. */
  private readonly ordered: MessageState[] = []
  /** Edits, deletes and reactions whose target message has not been applied yet. */
  private readonly waiting = new Map<string, ViewEntry[]>()
  private name?: Register<string>
  private topic?: Register<string>
  private description?: Register<string>
  private disappearing?: Register<number>
  private readonly readMarkers = new Map<string, Register<string>>()
  private readonly names = new Map<string, Register<string>>()
  private excluded: (e: ViewEntry) => boolean = () => false

  /** Leaves out the entries `predicate` picks (blocked members; entries of removed members). */
  exclude(predicate: (e: ViewEntry) => boolean): void {
    this.excluded = predicate
  }

  /** Forgets everything, to be rebuilt by applying the entries again. */
  reset(): void {
    this.byId.clear()
    this.ordered.length = 0
    this.waiting.clear()
    this.readMarkers.clear()
    this.names.clear()
    this.name = undefined
    this.topic = undefined
    this.description = undefined
    this.disappearing = undefined
  }

  apply(e: ViewEntry): void {
    const op = e.op
    if (op === undefined) return
    // a name is no message: blocked members still have one, so lists can say who is hidden
    if (op.type === 'profile') {
      this.names.set(e.authorHex, later(this.names.get(e.authorHex), op.displayName, e))
      return
    }
    if (this.excluded(e)) return
    switch (op.type) {
      case 'create':
        this.name = later(this.name, op.name, e)
        return
      case 'metadata':
        if (e.role !== 'admin') return
        if (op.name !== undefined) this.name = later(this.name, op.name, e)
        if (op.topic !== undefined) this.topic = later(this.topic, op.topic, e)
        if (op.description !== undefined) this.description = later(this.description, op.description, e)
        if (op.disappearing !== undefined) this.disappearing = later(this.disappearing, op.disappearing, e)
        return
      case 'message':
        this.addMessage(e, op.text, op.replyTo, op.mentions, op.poll)
        if (op.files !== undefined) (this.byId.get(e.idHex) as MessageState).files ??= op.files
        return
      case 'edit':
      case 'delete':
      case 'reaction':
      case 'pin':
        this.applyToMessage(toHex(op.target), e)
        return
      case 'vote':
      case 'close-poll':
        this.applyToMessage(toHex(op.poll), e)
        return
      case 'read':
        this.readMarkers.set(e.authorHex, later(this.readMarkers.get(e.authorHex), toHex(op.upTo), e))
        return
      default:
        // membership operations and operations of newer clients
        return
    }
  }

  /** Display names members chose, by device key. */
  displayNames(): Map<string, string> {
    return new Map([...this.names].map(([author, reg]) => [author, reg.value]))
  }

  metadata(): GroupMetadata {
    return {
      name: this.name?.value ?? '',
      topic: this.topic?.value ?? '',
      description: this.description?.value ?? '',
      disappearing: this.disappearing?.value ?? 0
    }
  }

  get messageCount(): number {
    return this.ordered.length
  }

  message(idHex: string): Message | undefined {
    const state = this.byId.get(idHex)
    return state === undefined ? undefined : render(state)
  }

  /** The newest `limit` messages, or those before the message `before`. */
  messages(options: { limit?: number; before?: string } = {}): MessagePage {
    let end = this.ordered.length
    if (options.before !== undefined) {
      const anchor = this.byId.get(options.before)
      end = anchor === undefined ? 0 : this.indexOf(anchor)
    }
    const start = Math.max(0, end - (options.limit ?? end))
    return { messages: this.ordered.slice(start, end).map(render), hasOlder: start > 0 }
  }

  /** Each member's read marker: the id of the newest message they have read. */
  readMarkersByAuthor(): Map<string, string> {
    return new Map([...this.readMarkers].map(([author, reg]) => [author, reg.value]))
  }

  /** The pinned messages, the latest pinned first; never a deleted one. */
  pinnedMessages(): Message[] {
    const pinned = this.ordered.filter((s) => s.pin?.value === true && s.deletion === undefined) as Array<MessageState & { pin: Register<boolean> }>
    return pinned.sort((a, b) => compareOrder(b.pin.at, a.pin.at)).map(render)
  }

  /** Everything the view shows, in a form two replicas can compare. */
  snapshot(): { metadata: GroupMetadata; messages: Message[]; readMarkers: [string, string][]; names: [string, string][] } {
    return {
      metadata: this.metadata(),
      messages: this.ordered.map(render),
      readMarkers: [...this.readMarkersByAuthor()].sort(([a], [b]) => (a < b ? -1 : 1)),
      names: [...this.displayNames()].sort(([a], [b]) => (a < b ? -1 : 1))
    }
  }

  private addMessage(e: ViewEntry, text: string, replyTo?: Uint8Array, mentions?: Uint8Array[], poll?: PollSpec): void {
    if (this.byId.has(e.idHex)) return
    const state: MessageState = {
      entry: e,
      text,
      mentions: mentions === undefined || mentions.length === 0 ? NO_MENTIONS : mentions.map(toHex)
    }
    if (replyTo !== undefined) state.replyTo = toHex(replyTo)
    if (poll !== undefined) state.poll = poll
    this.byId.set(e.idHex, state)
    this.insertOrdered(state)
    const waiting = this.waiting.get(e.idHex)
    if (waiting !== undefined) {
      this.waiting.delete(e.idHex)
      for (const w of waiting) this.applyToMessage(e.idHex, w)
    }
  }

  private applyToMessage(targetHex: string, e: ViewEntry): void {
    const target = this.byId.get(targetHex)
    if (target === undefined) {
      const list = this.waiting.get(targetHex)
      if (list === undefined) this.waiting.set(targetHex, [e])
      else list.push(e)
      return
    }
    const op = e.op
    if (op === undefined) return
    // the same person: a linked device edits and deletes what its person wrote on another
    const isAuthor = (e.person ?? e.authorHex) === (target.entry.person ?? target.entry.authorHex)
    if (op.type === 'edit' && isAuthor) {
      target.edit = later(target.edit, op.text, e)
    } else if (op.type === 'delete' && (isAuthor || e.role === 'moderator' || e.role === 'admin')) {
      target.deletion = later(target.deletion, true, e)
    } else if (op.type === 'reaction') {
      // one register per person, whichever of their devices reacted
      const person = e.person ?? e.authorHex
      const key = `${person}\n${op.emoji}`
      target.reactions ??= new Map()
      const current = target.reactions.get(key)
      if (current === undefined || compareOrder(current.at, e) < 0) {
        target.reactions.set(key, { value: op.add, at: e, emoji: op.emoji, author: person })
      }
    } else if (op.type === 'pin' && mayPin(e.role)) {
      target.pin = later(target.pin, op.pinned, e)
    } else if (op.type === 'vote') {
      target.votes ??= []
      target.votes.push({ author: e.person ?? e.authorHex, choices: op.choices, at: e })
    } else if (op.type === 'close-poll') {
      target.closes ??= []
      target.closes.push({ author: e.person ?? e.authorHex, ...(e.role === undefined ? {} : { role: e.role }), at: e })
    }
  }

  private insertOrdered(state: MessageState): void {
    const list = this.ordered
    // most messages are newer than everything held: check the end first
    if (list.length === 0 || compareOrder((list[list.length - 1] as MessageState).entry, state.entry) < 0) {
      list.push(state)
      return
    }
    list.splice(this.lowerBound(state.entry), 0, state)
  }

  private indexOf(state: MessageState): number {
    return this.lowerBound(state.entry)
  }

  private lowerBound(e: Ordered): number {
    let lo = 0
    let hi = this.ordered.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (compareOrder((this.ordered[mid] as MessageState).entry, e) < 0) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

function render(state: MessageState): Message {
  const deleted = state.deletion !== undefined
  const message: Message = {
    id: state.entry.idHex,
    author: state.entry.authorHex,
    time: state.entry.shownTime ?? state.entry.time,
    ...(state.entry.shownTime !== undefined && state.entry.shownTime < state.entry.time ? { claimedTime: state.entry.time } : {}),
    text: deleted ? '' : (state.edit?.value ?? state.text),
    edited: !deleted && state.edit !== undefined,
    deleted,
    mentions: [...state.mentions],
    reactions: deleted ? [] : renderReactions(state),
    pinned: !deleted && state.pin?.value === true
  }
  if (state.entry.expires !== undefined) message.expires = state.entry.expires
  if (!deleted && state.files !== undefined) message.files = state.files.map(fileView)
  if (state.replyTo !== undefined) message.replyTo = state.replyTo
  const by = state.deletion?.at
  if (by !== undefined && (by.person ?? by.authorHex) !== (state.entry.person ?? state.entry.authorHex)) message.deletedBy = by.authorHex
  if (message.pinned) message.pinnedBy = state.pin?.at.authorHex as string
  if (!deleted && state.poll !== undefined) {
    message.poll = tallyPoll(state.poll, state.entry.person ?? state.entry.authorHex, state.votes ?? [], state.closes ?? [], compareOrder)
  }
  return message
}

function renderReactions(state: MessageState): Reaction[] {
  return byEmoji([...(state.reactions?.values() ?? [])].filter((r) => r.value).sort((a, b) => compareOrder(a.at, b.at)))
}
