/** `causette poll`, `vote` and `close-poll`: asking a group a question with options, and counting the answers. */
import type { Command } from 'commander'
import type { PollResponse } from '../../api/api-types.ts'
import { UsageError } from '../../errors.ts'
import { contextOf, groupPath } from '../command-context.ts'
import { pollLines, shortId } from '../message-format.ts'
import type { Output } from '../output.ts'

function pollPath(group: string, poll = '', rest = ''): string {
  return groupPath(group, `/polls${poll === '' ? '' : `/${encodeURIComponent(poll)}`}${rest}`)
}

/** The answer, then its results as history shows them. */
function show(out: Output, done: PollResponse, said: string): void {
  out.data(done)
  out.line(said)
  out.line(`📊 ${done.message.text}`)
  if (done.message.poll !== undefined) for (const line of pollLines(done.message.poll, done.authors)) out.line(line)
}

export function registerPolls(program: Command): void {
  program
    .command('poll')
    .description('ask the group a question with 2 to 10 options; members vote with `causette vote`')
    .argument('<group>', 'group name, id, or the start of its id')
    .argument('<question>', 'the question (quote it if it has spaces)')
    .argument('<options...>', '2 to 10 options, each quoted if it has spaces')
    .option('--multiple', 'let members choose several options (one by default)')
    .action(async (group: string, question: string, options: string[], flags: { multiple?: boolean }, command: Command) => {
      const { out, connect } = contextOf(command)
      const body = { question, options, ...(flags.multiple === true ? { multiple: true } : {}) }
      const done = await (await connect()).post<PollResponse>(pollPath(group), body)
      show(
        out,
        done,
        `Asked ${done.group.name} (${shortId(done.message.id)}); vote with: causette vote ${shortId(done.group.id)} ${shortId(done.message.id)} <number>`
      )
    })

  program
    .command('vote')
    .description('vote in a poll by option number (as history shows them); voting again replaces your vote')
    .argument('<group>', 'group name, id, or the start of its id')
    .argument('<poll>', "the poll's id, or its start (as history shows it)")
    .argument('[options...]', 'the numbers of the options you choose (several only if the poll allows it)')
    .option('--withdraw', 'take your vote back')
    .action(async (group: string, poll: string, numbers: string[], flags: { withdraw?: boolean }, command: Command) => {
      const { out, connect } = contextOf(command)
      if (numbers.length === 0 && flags.withdraw !== true)
        throw new UsageError('give the numbers of the options you choose, or --withdraw to take your vote back')
      if (numbers.length > 0 && flags.withdraw === true) throw new UsageError('--withdraw takes your vote back: give no option numbers with it')
      const chosen = numbers.map(optionNumber)
      const done = await (await connect()).post<PollResponse>(pollPath(group, poll, '/vote'), { options: chosen })
      const said = chosen.length === 0 ? 'Took your vote back' : `Voted for ${chosen.join(', ')}`
      show(out, done, `${said} in ${done.group.name}.`)
    })

  program
    .command('close-poll')
    .description('close a poll (its author or an admin): votes after this do not count')
    .argument('<group>', 'group name, id, or the start of its id')
    .argument('<poll>', "the poll's id, or its start (as history shows it)")
    .action(async (group: string, poll: string, _options: object, command: Command) => {
      const { out, connect } = contextOf(command)
      const done = await (await connect()).post<PollResponse>(pollPath(group, poll, '/close'), {})
      show(out, done, `Closed ${shortId(done.message.id)} in ${done.group.name}.`)
    })
}

function optionNumber(value: string): number {
  const n = /^\d{1,2}$/.test(value) ? Number(value) : Number.NaN
  if (!(n >= 1)) throw new UsageError(`"${value}" is not an option number: give the number history shows before the option (1, 2, …)`)
  return n
}
