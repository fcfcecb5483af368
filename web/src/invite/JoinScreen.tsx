/**
 * Joining a group by an invite link: what the link is (group and who
 * invited), then the join with its progress ("reaching the group",
 * "receiving history 1,200 of 5,000") and, when it cannot work, why, in
 * words (a link cut short, expired, already used, revoked, no member
 * reachable).
 */
import { type Invite, parseInvite, toHex } from '@causette/core'
import { type Component, createSignal, onCleanup, onMount, Show } from 'solid-js'
import { personMessage } from '../app/person-message.ts'
import { useSession } from '../app/session.ts'

interface JoinScreenProps {
  link: string
  onJoined: (groupId: string) => void
  onCancel: () => void
}

const JOIN_TIMEOUT_MS = 60_000

export const JoinScreen: Component<JoinScreenProps> = (props) => {
  const session = useSession()
  const [progress, setProgress] = createSignal('Reading the link…')
  const [error, setError] = createSignal<string>()
  const [invite, setInvite] = createSignal<Invite>()
  const controller = new AbortController()
  onCleanup(() => controller.abort())
  onMount(async () => {
    let parsed: Invite
    try {
      parsed = parseInvite(props.link)
    } catch (err) {
      setError(personMessage(err))
      return
    }
    setInvite(parsed)
    const groupId = toHex(parsed.groupId)
    const onSync = (evt: CustomEvent<{ groupId: string; received: number; expected: number }>): void => {
      if (evt.detail.groupId !== groupId || evt.detail.expected === 0) return
      setProgress(`Receiving history: ${evt.detail.received.toLocaleString('en')} of ${evt.detail.expected.toLocaleString('en')}`)
    }
    session.peer.addEventListener('sync:progress', onSync)
    try {
      // a machine of the LAN the serving daemon found a moment ago may be the one to reach
      await session.refreshLan()
      const log = await session.peer.acceptInvite(parsed, {
        timeoutMs: JOIN_TIMEOUT_MS,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.stage === 'dialing') setProgress('Reaching the group…')
          else if (p.stage === 'waiting')
            setProgress(p.reached > 0 ? 'Reached the group; checking the invite…' : 'Waiting for a member to be reachable…')
          else setProgress('Joining…')
        }
      })
      session.names.consider(log)
      props.onJoined(log.idHex)
    } catch (err) {
      if (!controller.signal.aborted) setError(personMessage(err))
    } finally {
      session.peer.removeEventListener('sync:progress', onSync)
    }
  })
  return (
    <section class="join" aria-labelledby="join-heading">
      <h2 id="join-heading">
        <Show when={invite()} fallback="Join a group">
          {(i) => `Join “${i().groupName || 'a group'}”`}
        </Show>
      </h2>
      <Show
        when={error()}
        fallback={
          <p role="status" aria-live="polite">
            {progress()}
          </p>
        }
      >
        <p role="alert" class="error">
          {error()}
        </p>
      </Show>
      <button type="button" onClick={() => props.onCancel()}>
        {error() === undefined ? 'Cancel' : 'Back'}
      </button>
    </section>
  )
}
