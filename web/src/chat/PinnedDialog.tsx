/** The group's pinned messages, the latest pinned first, read when the dialog opens. */
import type { Message } from '@causette/core'
import { type Component, createSignal, For } from 'solid-js'
import { AppDialog } from '../app/AppDialog.tsx'
import { personMessage } from '../app/person-message.ts'
import { useSession } from '../app/session.ts'
import { authorName } from './author-name.ts'

export const PinnedDialog: Component<{ groupId: string; names: Map<string, string> }> = (props) => {
  const session = useSession()
  const [pinned, setPinned] = createSignal<Message[]>([])
  const [error, setError] = createSignal<string>()
  /** The person's keys in the group: what they pinned from any of their devices shows as "You". */
  const [own, setOwn] = createSignal<ReadonlySet<string>>(new Set([session.me]))
  const read = (open: boolean): void => {
    if (!open || !session.peer.hasGroup(props.groupId)) return
    const log = session.peer.group(props.groupId)
    setOwn(log.ownKeys())
    log.view
      .pinnedMessages()
      .then((messages) => {
        setPinned(messages)
        setError(undefined)
      })
      .catch((err: unknown) => setError(personMessage(err)))
  }
  return (
    <AppDialog trigger="Pinned" triggerClass="pinned-button" title="Pinned messages" error={error()} onOpenChange={read}>
      <ul class="pinned-list">
        <For each={pinned()} fallback={<li class="hint">Nothing is pinned. Moderators and admins pin messages from the chat.</li>}>
          {(message) => (
            <li>
              <span class="author">{own().has(message.author) ? 'You' : authorName(props.names, message.author)}</span>: {message.text}
            </li>
          )}
        </For>
      </ul>
    </AppDialog>
  )
}
