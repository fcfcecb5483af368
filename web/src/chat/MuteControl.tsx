/**
 * Muting the open group on this device: for an hour, eight hours, a week or
 * until unmuted, and saying until when. A muted group notifies nothing,
 * mentions included (as in Signal), and leaves the tab's title count; its
 * unread messages still show in the group list.
 */
import { type Component, Show } from 'solid-js'
import { useSession } from '../app/session.ts'

const CHOICES: ReadonlyArray<{ value: string; label: string; forMs?: number }> = [
  { value: '1h', label: 'Mute for 1 hour', forMs: 3_600_000 },
  { value: '8h', label: 'Mute for 8 hours', forMs: 8 * 3_600_000 },
  { value: '7d', label: 'Mute for 1 week', forMs: 7 * 86_400_000 },
  { value: 'forever', label: 'Mute until I unmute' }
]

/** "Muted until 07:30" today, "Muted until 6 Dec, 07:30" later, or "Muted". */
export function mutedText(until: number, now = new Date()): string {
  if (until === Number.POSITIVE_INFINITY) return 'Muted'
  const end = new Date(until)
  const time = end.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
  if (end.toDateString() === now.toDateString()) return `Muted until ${time}`
  return `Muted until ${end.toLocaleDateString([], { day: 'numeric', month: 'short' })}, ${time}`
}

export const MuteControl: Component<{ groupId: string }> = (props) => {
  const { preferences } = useSession()
  const until = (): number | undefined => preferences.mutedUntil(props.groupId)
  const choose = (value: string): void => {
    const choice = CHOICES.find((c) => c.value === value)
    if (choice !== undefined) void preferences.mute(props.groupId, choice.forMs)
  }
  return (
    <Show
      when={until()}
      fallback={
        <select aria-label="Mute this group" value="" onChange={(e) => choose(e.currentTarget.value)}>
          <option value="" selected>
            Mute…
          </option>
          {CHOICES.map((c) => (
            <option value={c.value}>{c.label}</option>
          ))}
        </select>
      }
    >
      {(muted) => (
        <span class="muted-until">
          {mutedText(muted())}
          <button type="button" onClick={() => void preferences.unmute(props.groupId)}>
            Unmute
          </button>
        </span>
      )}
    </Show>
  )
}
