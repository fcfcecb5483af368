/**
 * The rules of polls and pins, in one place for the view (view-render.ts,
 * view.ts) and for runtimes that refuse a write before making it: who may
 * pin and close, which votes are valid, and a poll's results from its
 * votes and closes.
 *
 * A poll is a message with a `poll` field (operations.ts). Each member has
 * one vote register per poll: their latest valid vote counts, and an empty
 * one withdraws. A vote naming an option the poll lacks, or several options
 * of a single-choice poll, counts for nothing (the vote before it stands).
 * The first close by the poll's author or an admin, in entry order, ends
 * it: votes after that close do not count, whenever they arrive.
 */
import type { Role } from '../group/membership-operations.ts'
import type { PollSpec } from './operations.ts'

export interface PollOption {
  text: string
  votes: number
  /** The voters' person keys (hex), in the order their counted votes were cast: one vote per person, whichever device cast it. */
  voters: string[]
}

/** A poll as the view shows it. */
export interface Poll {
  options: PollOption[]
  multiple: boolean
  closed: boolean
  /** Who closed it (person key), when closed. */
  closedBy?: string
}

/** Why a vote counts for nothing: it names an option the poll lacks, or several on a single-choice poll. */
export type VoteProblem = { reason: 'no such option'; choice: number } | { reason: 'one choice only'; given: number }

/** A vote as the tally reads it, `at` its place in the entry order. */
export interface CastVote<T> {
  author: string
  choices: readonly number[]
  at: T
}

/** A close as the tally reads it; `role` is the writer's where the entry stands. */
export interface CastClose<T> {
  author: string
  role?: string
  at: T
}

/** Roles that pin and unpin messages. */
const PINNING: ReadonlySet<string> = new Set<Role>(['moderator', 'admin'])

/** Whether a writer with this role pins: a moderator or an admin. */
export function mayPin(role: string | undefined): boolean {
  return role !== undefined && PINNING.has(role)
}

/** Whether a close by `writer` (with `role`) closes a poll written by `pollAuthor`: its author, or an admin. */
export function mayClose(pollAuthor: string, writer: string, role: string | undefined): boolean {
  return writer === pollAuthor || role === 'admin'
}

/** What is wrong with these choices (valid indexes, ascending) for the poll; undefined when the vote counts. */
export function voteProblem(poll: PollSpec, choices: readonly number[]): VoteProblem | undefined {
  const missing = choices.find((c) => c >= poll.options.length)
  if (missing !== undefined) return { reason: 'no such option', choice: missing }
  if (!poll.multiple && choices.length > 1) return { reason: 'one choice only', given: choices.length }
  return undefined
}

/**
 * The results of a poll written by `pollAuthor`, from every vote and close
 * naming it (in any order; `compare` orders their places in the log).
 */
export function tallyPoll<T>(
  poll: PollSpec,
  pollAuthor: string,
  votes: Iterable<CastVote<T>>,
  closes: Iterable<CastClose<T>>,
  compare: (a: T, b: T) => number
): Poll {
  let close: CastClose<T> | undefined
  for (const c of closes) {
    if (mayClose(pollAuthor, c.author, c.role) && (close === undefined || compare(c.at, close.at) < 0)) close = c
  }
  const latest = new Map<string, CastVote<T>>()
  for (const v of votes) {
    if (close !== undefined && compare(v.at, close.at) > 0) continue
    if (voteProblem(poll, v.choices) !== undefined) continue
    const current = latest.get(v.author)
    if (current === undefined || compare(current.at, v.at) < 0) latest.set(v.author, v)
  }
  const counted = [...latest.values()].sort((a, b) => compare(a.at, b.at))
  const options = poll.options.map((text, i) => {
    const voters = counted.filter((v) => v.choices.includes(i)).map((v) => v.author)
    return { text, votes: voters.length, voters }
  })
  const shown: Poll = { options, multiple: poll.multiple, closed: close !== undefined }
  if (close !== undefined) shown.closedBy = close.author
  return shown
}
