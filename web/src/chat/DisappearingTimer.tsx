/**
 * The group's disappearing-message timer in the chat header: admins set it
 * (a metadata operation every member's device follows); others see it.
 */
import { type Component, createSignal, For, Show } from 'solid-js'
import { personMessage } from '../app/person-message.ts'
import { useSession } from '../app/session.ts'
import { GROUP_TIMERS, timerLabel } from './disappearing-words.ts'

export const DisappearingTimer: Component<{ groupId: string; seconds: number; admin: boolean }> = (props) => {
  const session = useSession()
  const [error, setError] = createSignal<string>()
  const set = async (seconds: number): Promise<void> => {
    try {
      await session.peer.send(props.groupId, { type: 'metadata', disappearing: seconds })
      setError(undefined)
    } catch (err) {
      setError(personMessage(err))
    }
  }
  return (
    <div class="disappearing">
      <Show
        when={props.admin}
        fallback={
          <Show when={props.seconds > 0}>
            <span class="tag">⏱ messages disappear after {timerLabel(props.seconds).toLowerCase()}</span>
          </Show>
        }
      >
        <label for="group-timer">⏱ Disappearing messages</label>
        <select id="group-timer" value={String(props.seconds)} onChange={(e) => void set(Number(e.currentTarget.value))}>
          <For each={GROUP_TIMERS}>{(t) => <option value={String(t.seconds)}>{t.label}</option>}</For>
          <Show when={!GROUP_TIMERS.some((t) => t.seconds === props.seconds)}>
            <option value={String(props.seconds)}>{timerLabel(props.seconds)}</option>
          </Show>
        </select>
      </Show>
      <Show when={error() !== undefined}>
        <p role="alert" class="error">
          {error()}
        </p>
      </Show>
    </div>
  )
}
