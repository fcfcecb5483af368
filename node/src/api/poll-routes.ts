/**
 * The control API's endpoints of polls: write one, vote in one (options
 * numbered from 1, as history shows them; none withdraws the vote), close
 * one (its author or an admin). `{poll}` is the poll's message id or its
 * start. docs/control-api.md lists them.
 */
import { MAX_POLL_OPTION_LENGTH, MAX_POLL_OPTIONS, MAX_TEXT_LENGTH } from '@causette/core'
import type { PollActions } from '../daemon/poll-actions.ts'
import { InvalidRequestError } from '../errors.ts'
import { type Route, route } from './route.ts'
import { type Fields, fields, optionalBoolean, optionalHexPrefix, text } from './validation.ts'

const POLLS = '/v1/groups/([^/]+)/polls'

export function pollRoutes(polls: PollActions): Route[] {
  const pollOf = (params: string[]) => optionalHexPrefix(decodeURIComponent(params[1] as string), 'poll') as string
  return [
    route('POST', POLLS, async ({ params, body }) => {
      const f = fields(await body(), ['question', 'options', 'multiple'])
      const question = text(f, 'question', { max: MAX_TEXT_LENGTH })
      const options = list(
        f,
        'options',
        `a list of 2 to ${MAX_POLL_OPTIONS} texts`,
        (o) => typeof o === 'string' && o.length <= MAX_POLL_OPTION_LENGTH
      )
      return { status: 201, json: await polls.create(params[0] as string, question, options as string[], optionalBoolean(f, 'multiple') === true) }
    }),
    route('POST', `${POLLS}/([^/]+)/vote`, async ({ params, body }) => {
      const f = fields(await body(), ['options'])
      // a number past the poll's options is refused by the daemon, which says which there are
      const numbers = list(
        f,
        'options',
        `a list of at most ${MAX_POLL_OPTIONS} option numbers, each a whole number from 1 (empty to withdraw your vote)`,
        (n) => Number.isSafeInteger(n) && (n as number) >= 1
      )
      return { json: await polls.vote(params[0] as string, pollOf(params), numbers as number[]) }
    }),
    route('POST', `${POLLS}/([^/]+)/close`, async ({ params, body }) => {
      fields(await body(), [])
      return { json: await polls.close(params[0] as string, pollOf(params)) }
    })
  ]
}

/** The field `key`: a list of at most MAX_POLL_OPTIONS items, each passing `valid`. */
function list(from: Fields, key: string, what: string, valid: (item: unknown) => boolean): unknown[] {
  const value = from[key]
  if (!Array.isArray(value) || value.length > MAX_POLL_OPTIONS || !value.every(valid)) throw new InvalidRequestError(`"${key}" must be ${what}`)
  return value
}
