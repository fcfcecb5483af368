/**
 * Writing a message: Enter sends, Shift+Enter starts a new line, Escape
 * leaves reply or edit mode; an emoji picker; `@Name` mentions a member; a
 * timer of the message's own makes it disappear sooner than the group's.
 * What could not be written (a full disk, no longer a member) is said
 * below the field, and the text stays in it. Files: a button to attach
 * them, images pasted into the field, a voice note recorded (files/), each
 * sent at once with its progress below.
 */
import { fromHex, MAX_TEXT_LENGTH, type Message, type Operation } from '@causette/core'
import { type Component, createEffect, createSignal, For, Show } from 'solid-js'
import { personMessage } from '../app/person-message.ts'
import { useSession } from '../app/session.ts'
import { AttachButton } from '../files/AttachButton.tsx'
import type { FileSending } from '../files/create-file-sending.ts'
import { SendingStatus } from '../files/SendingStatus.tsx'
import { VoiceRecorder } from '../files/VoiceRecorder.tsx'
import { authorName } from './author-name.ts'
import { MESSAGE_TIMERS } from './disappearing-words.ts'
import { PICKER_EMOJI } from './emoji.ts'
import { mentionKeys } from './mention-keys.ts'

export type ComposerMode = { kind: 'new' } | { kind: 'reply'; message: Message } | { kind: 'edit'; message: Message }

interface ComposerProps {
  groupId: string
  mode: ComposerMode
  onModeEnd: () => void
  names: Map<string, string>
  files: FileSending
}

export const Composer: Component<ComposerProps> = (props) => {
  const session = useSession()
  const [text, setText] = createSignal('')
  const [error, setError] = createSignal<string>()
  const [picking, setPicking] = createSignal(false)
  /** A timer of this message's own (ms); 0: the group's. */
  const [timer, setTimer] = createSignal(0)
  let field: HTMLTextAreaElement | undefined
  createEffect(() => {
    const mode = props.mode
    if (mode.kind === 'edit') setText(mode.message.text)
    if (mode.kind !== 'new') field?.focus()
  })
  const operation = (body: string): Operation => {
    const mode = props.mode
    if (mode.kind === 'edit') return { type: 'edit', target: fromHex(mode.message.id), text: body }
    const mentions = mentionKeys(body, props.names)
    return {
      type: 'message',
      text: body,
      ...(mode.kind === 'reply' ? { replyTo: fromHex(mode.message.id) } : {}),
      ...(mentions.length > 0 ? { mentions } : {})
    }
  }
  const send = async (): Promise<void> => {
    const typed = text()
    const body = typed.trim()
    if (body === '') return
    const mode = props.mode
    const sent = operation(body)
    const own = mode.kind === 'edit' || timer() === 0 ? {} : { disappearAfter: timer() }
    // the field empties at once: what the person types next, while this one is
    // still being sealed and stored, is theirs and must not be wiped when it is done
    setText('')
    try {
      await session.peer.send(props.groupId, sent, own)
      session.peer.signals.setTyping(props.groupId, false)
      setError(undefined)
      // unless a reply or an edit of another message was started meanwhile
      if (props.mode === mode) props.onModeEnd()
    } catch (err) {
      // what could not be written goes back in the field, before anything typed since
      setText(text() === '' ? typed : `${typed}\n${text()}`)
      setError(personMessage(err))
    }
  }
  /** Files sent from the composer answer the message being replied to, as its text would. */
  const sendFiles = (files: File[], options: { duration?: number } = {}): void => {
    const mode = props.mode
    void props.files.send(files, mode.kind === 'reply' ? { ...options, replyTo: fromHex(mode.message.id) } : options)
    if (mode.kind === 'reply') props.onModeEnd()
  }
  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault()
      void send()
    } else if (event.key === 'Escape' && props.mode.kind !== 'new') {
      event.preventDefault()
      setText('')
      props.onModeEnd()
    }
  }
  const insert = (emoji: string): void => {
    setText(text() + emoji)
    setPicking(false)
    field?.focus()
  }
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault()
        void send()
      }}
    >
      <Show when={props.mode.kind !== 'new'}>
        <p class="composer-mode">
          {props.mode.kind === 'edit'
            ? 'Editing your message'
            : `Replying to ${authorName(props.names, (props.mode as { message: Message }).message.author)}`}{' '}
          — Escape cancels
        </p>
      </Show>
      <div class="row">
        <label for="composer-text" class="visually-hidden">
          Message
        </label>
        <textarea
          id="composer-text"
          ref={field}
          rows="2"
          maxLength={MAX_TEXT_LENGTH}
          value={text()}
          onInput={(e) => {
            setText(e.currentTarget.value)
            session.peer.signals.setTyping(props.groupId, e.currentTarget.value.trim() !== '')
          }}
          onBlur={() => session.peer.signals.setTyping(props.groupId, false)}
          onKeyDown={onKeyDown}
          onPaste={(e) => {
            // a picture copied from elsewhere arrives as a file: sent as one
            const files = [...(e.clipboardData?.files ?? [])]
            if (files.length === 0 || props.mode.kind === 'edit') return
            e.preventDefault()
            sendFiles(files)
          }}
          placeholder="Write a message — Enter sends, Shift+Enter for a new line"
          aria-describedby="composer-error"
        />
        <button type="button" aria-expanded={picking()} aria-controls="emoji-picker" onClick={() => setPicking(!picking())}>
          <span aria-hidden="true">🙂</span>
          <span class="visually-hidden">Emoji</span>
        </button>
        <Show when={props.mode.kind !== 'edit'}>
          <AttachButton onFiles={sendFiles} />
          <VoiceRecorder onRecorded={(note) => sendFiles([note.file], { duration: note.duration })} onError={setError} />
        </Show>
        <button type="submit">{props.mode.kind === 'edit' ? 'Save' : 'Send'}</button>
      </div>
      <Show when={props.mode.kind !== 'edit'}>
        <div class="row timer-row">
          <label for="composer-timer">⏱ Disappears after</label>
          <select id="composer-timer" value={String(timer())} onChange={(e) => setTimer(Number(e.currentTarget.value))}>
            <For each={MESSAGE_TIMERS}>{(t) => <option value={String(t.ms)}>{t.label}</option>}</For>
          </select>
        </div>
      </Show>
      <Show when={picking()}>
        <fieldset id="emoji-picker" class="emoji-picker">
          <legend class="visually-hidden">Emoji</legend>
          <For each={PICKER_EMOJI}>
            {(emoji) => (
              <button type="button" aria-label={`Insert ${emoji}`} onClick={() => insert(emoji)}>
                {emoji}
              </button>
            )}
          </For>
        </fieldset>
      </Show>
      <p id="composer-error" role="alert" class="error">
        {error()}
      </p>
      <SendingStatus files={props.files} />
    </form>
  )
}
