/**
 * Becoming a device of a person: a fresh tab opens the link its person's
 * first device shows (`<app>#link=…`, `causette link` prints it as
 * webLink), shows the six-digit code to compare with that device's, and,
 * once the person confirms there, is theirs in every group, whose history
 * then arrives by sync. A tab that is already in groups as a person of its
 * own, or a link that expired or was used, is refused in words.
 */
import { type Component, createSignal, onMount, Show } from 'solid-js'
import { personMessage } from '../app/person-message.ts'
import type { Session } from '../app/session.ts'
import { thisBrowser } from './this-browser.ts'

interface LinkScreenProps {
  session: Session
  link: string
  /** Linked: the name the person goes by came with it. */
  onLinked: (name: string | undefined) => void
  onCancel: () => void
}

export const LinkScreen: Component<LinkScreenProps> = (props) => {
  const [code, setCode] = createSignal<string>()
  const [done, setDone] = createSignal<number>()
  const [error, setError] = createSignal<string>()
  onMount(async () => {
    try {
      const linked = await props.session.peer.devices.accept(props.link, { name: thisBrowser(), onCode: setCode })
      setDone(linked.groups)
    } catch (err) {
      setError(personMessage(err))
    }
  })
  const finish = async (): Promise<void> => props.onLinked(await props.session.identity.displayName())
  return (
    <main class="centered link-screen" aria-labelledby="link-heading">
      <h1 id="link-heading">Use this tab as your device</h1>
      <Show when={error()}>
        <p role="alert" class="error">
          {error()}
        </p>
        <button type="button" onClick={() => props.onCancel()}>
          Back
        </button>
      </Show>
      <Show when={error() === undefined && done() === undefined}>
        <Show when={code()} fallback={<p role="status">Reaching your other device…</p>}>
          {(shown) => (
            <>
              <p>Check that your other device shows this code, and confirm there:</p>
              <p class="link-code" role="status" aria-label={`Code ${shown()}`}>
                {shown()}
              </p>
            </>
          )}
        </Show>
      </Show>
      <Show when={done()}>
        {(groups) => (
          <>
            <p role="status">
              Linked: this tab is you now, in your {groups()} group{groups() === 1 ? '' : 's'}. Their history is on its way.
            </p>
            <button type="button" onClick={() => void finish()}>
              Open my groups
            </button>
          </>
        )}
      </Show>
    </main>
  )
}
