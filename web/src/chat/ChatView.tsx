/**
 * One group's chat: its name and network state, the messages (a page at a
 * time, older ones on demand, day separators), and the composer. Reading
 * the newest messages while the tab is visible writes a read marker,
 * coalesced (read-markers.ts). Files dropped anywhere on the chat are
 * sent to the group (files/).
 */
import { fromHex, mayPin, type Operation } from '@causette/core'
import { type Component, createEffect, createMemo, createSignal, onCleanup, Show } from 'solid-js'
import { useSession } from '../app/session.ts'
import { ChatFiles } from '../files/chat-files.ts'
import { createDropZone } from '../files/create-drop-zone.ts'
import { createFileSending } from '../files/create-file-sending.ts'
import { InviteDialog } from '../invite/InviteDialog.tsx'
import { MembersDialog } from '../members/MembersDialog.tsx'
import { createGroupStatus } from '../status/create-group-status.ts'
import { Composer, type ComposerMode } from './Composer.tsx'
import { createMessages } from './create-messages.ts'
import { createSeenBy } from './create-seen-by.ts'
import { createTyping } from './create-typing.ts'
import { DisappearingTimer } from './DisappearingTimer.tsx'
import { MessageItem } from './MessageItem.tsx'
import { MessageList } from './MessageList.tsx'
import { MuteControl } from './MuteControl.tsx'
import { PinnedDialog } from './PinnedDialog.tsx'
import { PollDialog } from './PollDialog.tsx'
import { ReadMarkers } from './read-markers.ts'

export const ChatView: Component<{ groupId: string }> = (props) => {
  const session = useSession()
  // one ChatView per group (App.tsx shows it keyed): read once, so cleanup never reads a stale prop
  const groupId = props.groupId
  const messages = createMessages(session.peer, groupId)
  const status = createGroupStatus(session.peer, groupId)
  const typing = createTyping(session.peer, groupId)
  const seen = createSeenBy(session.peer, groupId, session.me, messages.view, session.preferences)
  const [mode, setMode] = createSignal<ComposerMode>({ kind: 'new' })
  const files = createFileSending(session.peer, groupId)
  const drop = createDropZone((dropped) => void files.send(dropped))
  const chatFiles = new ChatFiles(session.peer, groupId)
  const log = () => (session.peer.hasGroup(groupId) ? session.peer.group(groupId) : undefined)
  const name = (): string => {
    messages.view()
    return log()?.view.metadata().name || 'Unnamed group'
  }
  /** The person's keys in this group (its devices): what any of them wrote is "You". Followed as entries arrive. */
  const ownKeys = createMemo(() => {
    messages.view()
    return log()?.ownKeys() ?? new Set([session.me])
  })
  const myRole = (): string | undefined => {
    messages.view()
    return log()
      ?.members()
      .find((m) => m.key === session.me)?.role
  }
  const sealed = (): number => {
    messages.view()
    return log()?.sealedCount ?? 0
  }
  const timer = (): number => {
    messages.view()
    return log()?.view.metadata().disappearing ?? 0
  }
  // through the peer, so a change to a disappearing message disappears with it (core's chat/disappearing.ts)
  const write = (op: Operation): void => void session.peer.send(groupId, op).catch((err) => console.warn('causette: could not write', err))
  const reads = new ReadMarkers(log, session.me, session.preferences)
  createEffect(() => {
    const shown = messages.view().messages
    if (shown.length > 0 && log() !== undefined && document.visibilityState === 'visible') reads.seen()
  })
  // leaving the group, or the tab going out of sight, writes what was read
  const hidden = (): void => {
    if (document.visibilityState === 'hidden') reads.flush()
  }
  document.addEventListener('visibilitychange', hidden)
  onCleanup(() => {
    document.removeEventListener('visibilitychange', hidden)
    reads.flush()
    chatFiles.close()
  })
  return (
    <section
      class="chat"
      classList={{ dropping: drop.dragging() }}
      aria-labelledby="chat-heading"
      onDragOver={drop.onDragOver}
      onDragLeave={drop.onDragLeave}
      onDrop={drop.onDrop}
    >
      <Show when={drop.dragging()}>
        <p class="drop-hint" aria-hidden="true">
          Drop to send to {name()}
        </p>
      </Show>
      <header class="chat-header">
        <div>
          <h2 id="chat-heading">{name()}</h2>
          <p class="status" classList={{ offline: status().state === 'offline' }} role="status" aria-live="polite">
            {status().text}
          </p>
          <DisappearingTimer groupId={groupId} seconds={timer()} admin={myRole() === 'admin'} />
        </div>
        <div class="header-actions">
          <MuteControl groupId={groupId} />
          <PinnedDialog groupId={groupId} names={messages.view().names} />
          <PollDialog groupId={groupId} />
          <MembersDialog groupId={groupId} groupName={name()} />
          <InviteDialog groupId={groupId} groupName={name()} />
        </div>
      </header>
      <MessageList
        messages={messages.view().messages}
        label={`Messages in ${name()}`}
        header={
          <>
            <Show when={messages.view().hasOlder}>
              <button type="button" class="older" onClick={() => messages.loadOlder()}>
                Show older messages
              </button>
            </Show>
            <Show when={sealed() > 0}>
              <p class="sealed" role="note">
                {sealed() === 1 ? '1 message is' : `${sealed()} messages are`} waiting for the key to read them: a member who holds it will send it
                when reachable.
              </p>
            </Show>
          </>
        }
        renderMessage={(message) => (
          <MessageItem
            message={message()}
            names={messages.view().names}
            mine={ownKeys().has(message().author)}
            yours={ownKeys().has(message().author)}
            own={ownKeys()}
            seen={seen()?.id === message().id ? seen()?.text : undefined}
            quoted={message().replyTo === undefined ? undefined : messages.view().messages.find((m) => m.id === message().replyTo)}
            onReply={() => setMode({ kind: 'reply', message: message() })}
            onEdit={() => setMode({ kind: 'edit', message: message() })}
            onDelete={() => write({ type: 'delete', target: fromHex(message().id) })}
            onReact={(emoji, add) => write({ type: 'reaction', target: fromHex(message().id), emoji, add })}
            canPin={mayPin(myRole())}
            canClose={ownKeys().has(message().author) || myRole() === 'admin'}
            onPin={(pinned) => write({ type: 'pin', target: fromHex(message().id), pinned })}
            onVote={(choices) => write({ type: 'vote', poll: fromHex(message().id), choices })}
            onClosePoll={() => write({ type: 'close-poll', poll: fromHex(message().id) })}
            chatFiles={chatFiles}
          />
        )}
      />
      <p class="typing" aria-live="polite">
        {typing()}
      </p>
      <Composer groupId={groupId} mode={mode()} onModeEnd={() => setMode({ kind: 'new' })} names={messages.view().names} files={files} />
    </section>
  )
}
