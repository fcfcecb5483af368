/**
 * The first screen a new person sees: what to be called, and this device's
 * safety number (its fingerprint), which others compare to know it is them;
 * or, for a person who has a backup, restoring it (backup/RestoreOffer.tsx).
 */
import { fingerprint, fromHex, MAX_NAME_LENGTH } from '@causette/core'
import { type Component, createSignal } from 'solid-js'
import { personMessage } from '../app/person-message.ts'
import { useSession } from '../app/session.ts'
import { RestoreOffer } from '../backup/RestoreOffer.tsx'

export const FirstRun: Component<{ onNamed: (name: string) => void }> = (props) => {
  const session = useSession()
  const [name, setName] = createSignal('')
  const [error, setError] = createSignal<string>()
  const safety = fingerprint(fromHex(session.me))
  const submit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault()
    const chosen = name().trim()
    if (chosen === '') {
      setError('Type the name others will see, for example your first name.')
      return
    }
    try {
      await session.identity.setDisplayName(chosen)
      session.names.set(chosen)
      props.onNamed(chosen)
    } catch (err) {
      setError(personMessage(err))
    }
  }
  return (
    <main class="centered first-run">
      <h1>Welcome to Causette</h1>
      <p>Chat with your groups with no server in between: this browser tab is a full peer.</p>
      <form onSubmit={submit} novalidate>
        <label for="display-name">Your name, as others will see it</label>
        <input
          id="display-name"
          name="display-name"
          autocomplete="nickname"
          maxLength={MAX_NAME_LENGTH}
          value={name()}
          onInput={(e) => setName(e.currentTarget.value)}
          aria-invalid={error() !== undefined}
          aria-describedby={error() === undefined ? undefined : 'name-error'}
          autofocus
        />
        <p id="name-error" role="alert" class="error">
          {error()}
        </p>
        <button type="submit">Start chatting</button>
      </form>
      <section aria-labelledby="safety-heading">
        <h2 id="safety-heading">Your safety number</h2>
        <p class="safety-number">{safety}</p>
        <p class="hint">Others compare it with what their app shows for you, to be sure they are talking to this device.</p>
      </section>
      <RestoreOffer />
    </main>
  )
}
