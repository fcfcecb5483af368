/**
 * A poll in the chat: each option with its votes and who cast them, a
 * button to vote for it (pressed when it is one of yours; on a poll of one
 * choice, voting for another moves your vote, pressing yours again takes
 * it back), and, for its author or an admin, closing it. A closed poll
 * shows its results only.
 */
import type { Poll } from '@causette/core'
import { type Component, For, Show } from 'solid-js'
import { authorName } from './author-name.ts'

interface PollViewProps {
  poll: Poll
  names: Map<string, string>
  /** The person's keys in the group: a vote by any of them is yours. */
  own: ReadonlySet<string>
  canClose: boolean
  onVote: (choices: number[]) => void
  onClose: () => void
}

export const PollView: Component<PollViewProps> = (props) => {
  const mine = (): number[] => props.poll.options.flatMap((o, i) => (o.voters.some((v) => props.own.has(v)) ? [i] : []))
  const toggle = (index: number): void => {
    const chosen = mine()
    const has = chosen.includes(index)
    if (props.poll.multiple) props.onVote(has ? chosen.filter((c) => c !== index) : [...chosen, index].sort((a, b) => a - b))
    else props.onVote(has ? [] : [index])
  }
  const total = (): number => new Set(props.poll.options.flatMap((o) => o.voters)).size
  return (
    <div class="poll">
      <p class="hint">
        {props.poll.multiple ? 'Several choices' : 'One choice'} · {total() === 1 ? '1 person voted' : `${total()} people voted`}
        {props.poll.closed ? ' · closed' : ''}
      </p>
      <ol class="poll-options">
        <For each={props.poll.options}>
          {(option, i) => (
            <li>
              <Show
                when={!props.poll.closed}
                fallback={
                  <span class="poll-option">
                    {i() + 1}. {option.text}
                  </span>
                }
              >
                <button type="button" class="poll-option" aria-pressed={option.voters.some((v) => props.own.has(v))} onClick={() => toggle(i())}>
                  {i() + 1}. {option.text}
                </button>
              </Show>
              <span class="poll-votes">
                {option.votes === 1 ? '1 vote' : `${option.votes} votes`}
                {option.voters.length > 0 ? ` (${option.voters.map((v) => (props.own.has(v) ? 'you' : authorName(props.names, v))).join(', ')})` : ''}
              </span>
            </li>
          )}
        </For>
      </ol>
      <Show when={props.canClose && !props.poll.closed}>
        <button type="button" class="secondary" onClick={() => props.onClose()}>
          Close poll
        </button>
      </Show>
    </div>
  )
}
