/**
 * The app: boots this tab's peer (with what it is doing on screen), asks a
 * first-time person for a display name, then shows the groups beside the
 * open chat. An invite link (`#join=…` in the URL) opens the join screen.
 */
import { type Component, createResource, createSignal, Match, onCleanup, Show, Switch } from 'solid-js'
import { ChatView } from '../chat/ChatView.tsx'
import { FirstRun } from '../first-run/FirstRun.tsx'
import { GroupList } from '../groups/GroupList.tsx'
import { JoinScreen } from '../invite/JoinScreen.tsx'
import { boot } from './boot.ts'
import { personMessage } from './person-message.ts'
import { type Session, SessionContext } from './session.ts'

function joinLinkInUrl(): string | undefined {
  return location.hash.startsWith('#join=') ? location.href : undefined
}

export const App: Component = () => {
  const [step, setStep] = createSignal('Starting…')
  const [session] = createResource(() => boot(setStep))
  return (
    <Switch>
      <Match when={session.error !== undefined}>
        <main class="centered">
          <h1>Causette could not start</h1>
          <p role="alert">{personMessage(session.error)}</p>
          <button type="button" onClick={() => location.reload()}>
            Try again
          </button>
        </main>
      </Match>
      <Match when={session()}>{(ready) => <Signed session={ready()} />}</Match>
      <Match when={true}>
        <main class="centered" aria-busy="true">
          <h1>Causette</h1>
          <p role="status">{step()}</p>
        </main>
      </Match>
    </Switch>
  )
}

const Signed: Component<{ session: Session }> = (props) => {
  const [name, { mutate }] = createResource(() => props.session.identity.displayName())
  return (
    <SessionContext.Provider value={props.session}>
      <Show when={!name.loading}>
        <Show when={name()} fallback={<FirstRun onNamed={(chosen) => mutate(chosen)} />}>
          <Shell />
        </Show>
      </Show>
    </SessionContext.Provider>
  )
}

const Shell: Component = () => {
  const [selected, setSelected] = createSignal<string>()
  const [joinLink, setJoinLink] = createSignal(joinLinkInUrl())
  const onHash = (): void => {
    setJoinLink(joinLinkInUrl())
  }
  window.addEventListener('hashchange', onHash)
  onCleanup(() => window.removeEventListener('hashchange', onHash))
  const joined = (groupId: string): void => {
    history.replaceState(null, '', location.pathname + location.search)
    setJoinLink(undefined)
    setSelected(groupId)
  }
  return (
    <div class="shell">
      <GroupList selected={selected()} onSelect={setSelected} onJoinLink={setJoinLink} />
      <main class="main">
        <Switch fallback={<p class="empty">Pick a group, create one, or open an invite link.</p>}>
          <Match when={joinLink()}>{(link) => <JoinScreen link={link()} onJoined={joined} onCancel={() => joined(selected() ?? '')} />}</Match>
          <Match when={selected()} keyed>
            {(groupId) => <ChatView groupId={groupId} />}
          </Match>
        </Switch>
      </main>
    </div>
  )
}
