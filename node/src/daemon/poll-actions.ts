/**
 * PollActions: creating a poll, voting in one and closing it, from the
 * control API. Core's view counts only valid votes cast before the close,
 * and a close only by the poll's author or an admin (core's chat/polls.ts);
 * here a vote or close that would count for nothing is refused before
 * anything is written, saying why: not a poll, closed, an option the poll
 * lacks, several options on a single-choice poll, not yours to close.
 * Options are numbered from 1 here, as `causette history` shows them; the
 * operation carries indexes from 0.
 */
import {
  fromHex,
  type GroupLog,
  MAX_POLL_OPTION_LENGTH,
  MAX_POLL_OPTIONS,
  MAX_TEXT_LENGTH,
  type Message,
  MIN_POLL_OPTIONS,
  mayClose,
  type Operation,
  type Poll,
  toHex,
  voteProblem
} from '@causette/core'
import type { PollResponse } from '../api/api-types.ts'
import { InvalidRequestError, InvalidVoteError, NotAPollError, NotYourMessageError, PollClosedError, UnknownMessageError } from '../errors.ts'
import type { DaemonParts } from './daemon.ts'
import type { KnownGroup } from './group-directory.ts'
import { type NamedMessage, namedMessage, whose } from './message-actions.ts'
import { peopleOf } from './message-reads.ts'

export type PollActionComponents = Pick<DaemonParts, 'directory' | 'peer' | 'authors'>

export class PollActions {
  private readonly parts: PollActionComponents

  constructor(parts: PollActionComponents) {
    this.parts = parts
  }

  /** Writes a poll: a question and 2 to 10 distinct options, one choice or several (`multiple`). */
  async create(ref: string, question: string, options: string[], multiple: boolean): Promise<PollResponse> {
    if (question.trim() === '' || question.length > MAX_TEXT_LENGTH)
      throw new InvalidRequestError(`a poll's question is 1 to ${MAX_TEXT_LENGTH} characters`)
    if (options.length < MIN_POLL_OPTIONS || options.length > MAX_POLL_OPTIONS) {
      throw new InvalidRequestError(`a poll has ${MIN_POLL_OPTIONS} to ${MAX_POLL_OPTIONS} options; ${options.length} given`)
    }
    const trimmed = options.map((o) => o.trim())
    const bad = trimmed.findIndex((o) => o === '' || o.length > MAX_POLL_OPTION_LENGTH)
    if (bad >= 0) throw new InvalidRequestError(`option ${bad + 1} must be 1 to ${MAX_POLL_OPTION_LENGTH} characters, not blank`)
    const twice = trimmed.findIndex((o, i) => trimmed.findIndex((p) => p.toLowerCase() === o.toLowerCase()) !== i)
    if (twice >= 0) throw new InvalidRequestError(`option ${twice + 1} ("${trimmed[twice]}") is given twice: each option must differ`)
    const { directory, peer } = this.parts
    const known = directory.resolve(ref)
    const log = await directory.openLog(known)
    const entry = await peer.send(log.idHex, { type: 'message', text: question, poll: { options: trimmed, multiple } })
    return this.answer(known, log, entry.idHex)
  }

  /** Votes for the options numbered `numbers` (from 1), replacing this device's earlier vote; none withdraws it. */
  async vote(ref: string, poll: string, numbers: number[]): Promise<PollResponse> {
    const named = await this.openPoll(ref, poll)
    const { poll: shown } = named.message as Message & { poll: Poll }
    const choices = [...new Set(numbers)].sort((a, b) => a - b).map((n) => n - 1)
    const problem = voteProblem(pollSpec(shown), choices)
    if (problem?.reason === 'no such option') {
      throw new InvalidVoteError(
        `${this.whose(named)} has no option ${problem.choice + 1}: its options are numbered 1 to ${shown.options.length} (\`causette history\` shows them)`
      )
    }
    if (problem?.reason === 'one choice only') {
      throw new InvalidVoteError(`${this.whose(named)} takes one choice, and ${problem.given} were given: vote for one option`)
    }
    return this.write(named, { type: 'vote', poll: fromHex(named.message.id), choices })
  }

  /** Closes a poll: its author or an admin may; votes after this one do not count. */
  async close(ref: string, poll: string): Promise<PollResponse> {
    const named = await this.openPoll(ref, poll)
    const me = toHex(this.parts.peer.key.publicKey)
    const role = named.log.membership()?.role(me)
    // the poll's author is the person, whichever of their devices wrote it
    const author = named.log.ownKeys().has(named.message.author) ? me : named.message.author
    if (!mayClose(author, me, role)) {
      throw new NotYourMessageError(
        `only its author or an admin may close ${this.whose(named)}; you are ${role === undefined ? 'not a member' : `a ${role}`} of this group`
      )
    }
    return this.write(named, { type: 'close-poll', poll: fromHex(named.message.id) })
  }

  /** The poll `poll` names, still open: NotAPollError or PollClosedError otherwise. */
  private async openPoll(ref: string, poll: string): Promise<NamedMessage> {
    const named = await namedMessage(this.parts.directory, ref, poll)
    const shown = named.message.poll
    if (shown === undefined) throw new NotAPollError(`${this.whose(named)} is not a poll: there is nothing to vote on or close`)
    if (shown.closed) {
      const by = shown.closedBy === undefined ? '' : ` by ${this.parts.authors.of(named.log).view(shown.closedBy).name ?? shown.closedBy.slice(0, 8)}`
      throw new PollClosedError(`${this.whose(named)} was closed${by}: votes no longer count`)
    }
    return named
  }

  private async write(named: NamedMessage, op: Operation): Promise<PollResponse> {
    await this.parts.peer.send(named.log.idHex, op)
    return this.answer(named.known, named.log, named.message.id)
  }

  private async answer(known: KnownGroup, log: GroupLog, id: string): Promise<PollResponse> {
    const message = await log.view.message(id)
    if (message === undefined) throw new UnknownMessageError(`poll ${id.slice(0, 12)} was written but is not in the view`)
    return { group: known.ref, message, authors: this.parts.authors.of(log).viewsOf(peopleOf(message)) }
  }

  private whose(named: NamedMessage): string {
    return whose(this.parts.authors.of(named.log), named.message)
  }
}

/** What a shown poll was written with, for core's voteProblem. */
function pollSpec(poll: Poll): { options: string[]; multiple: boolean } {
  return { options: poll.options.map((o) => o.text), multiple: poll.multiple }
}
