/**
 * One message as a person reads it: who and when, the quoted message it
 * answers, its text ("edited" when it was), "message deleted" in place of a
 * deleted one, its reactions (a button each, pressed when one is yours),
 * and what can be done with it: reply, react, and for your own, edit and
 * delete. Messages that mention you stand out. Its files show under its
 * text (files/, loaded with the first message that has any).
 */
import { disappearsIn, type Message } from '@causette/core'
import { type Component, For, lazy, Show, Suspense } from 'solid-js'
import type { ChatFiles } from '../files/chat-files.ts'
import { authorName } from './author-name.ts'
import { timeLabel } from './day-separators.ts'
import { QUICK_REACTIONS } from './emoji.ts'
import { PollView } from './PollView.tsx'

const MessageFiles = lazy(() => import('../files/MessageFiles.tsx'))

interface MessageItemProps {
  message: Message
  names: Map<string, string>
  /** Written on this device: it may edit and delete it. */
  mine: boolean
  /** Written by this person, on this device or another of theirs (docs/devices.md): shown as "You". */
  yours: boolean
  /** The person's keys in the group (GroupLog.ownKeys): a mention, a pin, a reaction or a vote by any of them is yours. */
  own: ReadonlySet<string>
  /** Under the person's newest message: who has seen it. */
  seen?: string | undefined
  quoted: Message | undefined
  onReply: () => void
  onEdit: () => void
  onDelete: () => void
  onReact: (emoji: string, add: boolean) => void
  /** This device may pin and unpin (a moderator or an admin). */
  canPin: boolean
  /** This device may close the message's poll (its author or an admin). */
  canClose: boolean
  onPin: (pinned: boolean) => void
  onVote: (choices: number[]) => void
  onClosePoll: () => void
  /** The chat's files on screen: fetches and object URLs shared by every drawing of a message. */
  chatFiles: ChatFiles
}

export const MessageItem: Component<MessageItemProps> = (props) => {
  const mentionsMe = (): boolean => props.message.mentions.some((key) => props.own.has(key))
  return (
    <article
      class="message"
      classList={{ mine: props.yours, mention: mentionsMe(), deleted: props.message.deleted }}
      data-message-id={props.message.id}
    >
      <div class="meta">
        <span class="author">{props.yours ? 'You' : authorName(props.names, props.message.author)}</span>
        <time datetime={new Date(props.message.time).toISOString()}>{timeLabel(props.message.time)}</time>
        <Show when={mentionsMe()}>
          <span class="tag">mentions you</span>
        </Show>
        <Show when={props.message.expires !== undefined}>
          <span class="tag" title={`Disappears at ${new Date(props.message.expires as number).toLocaleString()}`}>
            ⏱ disappears {disappearsIn(props.message.expires as number, Date.now())}
          </span>
        </Show>
        <Show when={props.message.pinned}>
          <span class="tag">
            📌 pinned
            {props.message.pinnedBy === undefined
              ? ''
              : ` by ${props.own.has(props.message.pinnedBy) ? 'you' : authorName(props.names, props.message.pinnedBy)}`}
          </span>
        </Show>
      </div>
      <Show when={props.message.replyTo !== undefined}>
        <blockquote class="quote">
          <Show when={props.quoted} fallback="In reply to an earlier message">
            {(q) => `${authorName(props.names, q().author)}: ${q().deleted ? 'message deleted' : q().text}`}
          </Show>
        </blockquote>
      </Show>
      <Show
        when={!props.message.deleted}
        fallback={
          <p class="text deleted-text">
            {props.message.deletedBy === undefined ? 'message deleted' : `message deleted by ${authorName(props.names, props.message.deletedBy)}`}
          </p>
        }
      >
        <Show when={props.message.text !== '' || props.message.edited}>
          <p class="text">
            {props.message.text}
            <Show when={props.message.edited}>
              <span class="edited"> (edited)</span>
            </Show>
          </p>
        </Show>
        <Show when={props.message.files}>
          {(files) => (
            <Suspense fallback={<p class="hint">Loading files…</p>}>
              <MessageFiles files={files()} chatFiles={props.chatFiles} />
            </Suspense>
          )}
        </Show>
        <Show when={props.message.poll}>
          {(poll) => (
            <PollView
              poll={poll()}
              names={props.names}
              own={props.own}
              canClose={props.canClose}
              onVote={(choices) => props.onVote(choices)}
              onClose={() => props.onClosePoll()}
            />
          )}
        </Show>
        <Show when={props.message.reactions.length > 0}>
          <ul class="reactions" aria-label="Reactions">
            <For each={props.message.reactions}>
              {(reaction) => {
                const mine = (): boolean => reaction.authors.some((a) => props.own.has(a))
                return (
                  <li>
                    <button
                      type="button"
                      class="reaction"
                      aria-pressed={mine()}
                      aria-label={`${reaction.emoji} ${reaction.authors.length}: ${reaction.authors.map((a) => (props.own.has(a) ? 'you' : authorName(props.names, a))).join(', ')}`}
                      onClick={() => props.onReact(reaction.emoji, !mine())}
                    >
                      {reaction.emoji} {reaction.authors.length}
                    </button>
                  </li>
                )
              }}
            </For>
          </ul>
        </Show>
        <Show when={props.seen}>
          <p class="seen">{props.seen}</p>
        </Show>
        <div class="actions">
          <button type="button" onClick={() => props.onReply()}>
            Reply
          </button>
          <For each={QUICK_REACTIONS}>
            {(emoji) => (
              <button type="button" aria-label={`React with ${emoji}`} onClick={() => props.onReact(emoji, true)}>
                {emoji}
              </button>
            )}
          </For>
          <Show when={props.canPin}>
            <button type="button" onClick={() => props.onPin(!props.message.pinned)}>
              {props.message.pinned ? 'Unpin' : 'Pin'}
            </button>
          </Show>
          <Show when={props.mine}>
            <button type="button" onClick={() => props.onEdit()}>
              Edit
            </button>
            <button type="button" onClick={() => props.onDelete()}>
              Delete
            </button>
          </Show>
        </div>
      </Show>
    </article>
  )
}
