/**
 * The app: boots this tab's peer (with what it is doing on screen), asks a
 * first-time person for a display name, then shows the groups beside the
 * open chat. An invite link (`#join=…` in the URL) opens the join screen;
 * a device link (`#link=…`) the screen that makes this tab a device of its
 * person (devices/LinkScreen.tsx), before any name is asked: it comes with
 * the link.
 */
import { type Component, createResource, createSignal, Match, onCleanup, Show, Switch } from 'solid-js'
import { ChatView } from '../chat/ChatView.tsx'
import { LinkScreen } from '../devices/LinkScreen.tsx'
import { FirstRun } from '../first-run/FirstRun.tsx'
import { GroupList } from '../groups/GroupList.tsx'
import { JoinScreen } from '../invite/JoinScreen.tsx'
import { boot } from './boot.ts'
import { personMessage } from './person-message.ts'
import { type Session, SessionContext } from './session.ts'

function deviceLinkInUrl(): string | undefined {
  return location.hash.startsWith('#link=') ? location.href : undefined
}

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
  const [deviceLink, setDeviceLink] = createSignal(deviceLinkInUrl())
  const leaveLink = (): void => {
    history.replaceState(null, '', location.pathname + location.search)
    setDeviceLink(undefined)
  }
  return (
    <SessionContext.Provider value={props.session}>
      <Show when={!name.loading}>
        <Switch>
          <Match when={deviceLink()}>
            {(link) => (
              <LinkScreen
                session={props.session}
                link={link()}
                onLinked={(chosen) => {
                  if (chosen !== undefined) mutate(chosen)
                  leaveLink()
                }}
                onCancel={leaveLink}
              />
            )}
          </Match>
          <Match when={name()}>
            <Shell />
          </Match>
          <Match when={true}>
            <FirstRun onNamed={(chosen) => mutate(chosen)} />
          </Match>
        </Switch>
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
