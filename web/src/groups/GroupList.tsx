/**
 * The side bar: this device's groups with their unread counts and last
 * message, a form to create a group, a field to paste an invite link,
 * settings, and backups and bundles (backup/BackupDialog.tsx); the tab's
 * title counts what is unread.
 */
import { MAX_NAME_LENGTH } from '@causette/core'
import { type Component, createEffect, createSignal, For, Show } from 'solid-js'
import { personMessage } from '../app/person-message.ts'
import { useSession } from '../app/session.ts'
import { BackupDialog } from '../backup/BackupDialog.tsx'
import { SettingsDialog } from '../settings/SettingsDialog.tsx'
import { createGroups, type GroupItem } from './create-groups.ts'

interface GroupListProps {
  selected: string | undefined
  onSelect: (groupId: string) => void
  onJoinLink: (link: string) => void
}

export const GroupList: Component<GroupListProps> = (props) => {
  const session = useSession()
  const [groups, refresh] = createGroups(session.peer, session.me, session.preferences)
  // "(3) Causette": what waits unread, outside muted groups and the group being read on screen
  createEffect(() => {
    const total = groups()
      .filter((g) => !g.muted && (g.id !== props.selected || document.visibilityState === 'hidden'))
      .reduce((sum, g) => sum + g.unread, 0)
    document.title = total === 0 ? 'Causette' : `(${total > 999 ? '999+' : total}) Causette`
  })
  createEffect(() => session.notifications.showing(props.selected))
  return (
    <nav class="sidebar" aria-label="Your groups">
      <h1 class="brand">Causette</h1>
      <ul class="group-list">
        <For each={groups()} fallback={<li class="hint">No groups yet.</li>}>
          {(group) => <GroupRow group={group} selected={props.selected === group.id} onSelect={() => props.onSelect(group.id)} />}
        </For>
      </ul>
      <CreateGroup
        onCreated={(id) => {
          refresh()
          props.onSelect(id)
        }}
      />
      <JoinField onLink={props.onJoinLink} />
      <SettingsDialog />
      <BackupDialog />
      <Show when={session.config.daemon === undefined && session.config.relays.length === 0}>
        <p class="hint storage-note" role="note">
          This page was not opened from a Causette daemon, so it can reach other people only through a community relay: add one in Settings.
        </p>
      </Show>
      <Show when={session.persistence !== 'persisted'}>
        <p class="hint storage-note">
          This browser has not promised to keep Causette’s data: if space runs low it may clear it. Keep a daemon or a community relay in your groups,
          or export what you want to keep.
        </p>
      </Show>
    </nav>
  )
}

const GroupRow: Component<{ group: GroupItem; selected: boolean; onSelect: () => void }> = (props) => {
  // the group open on screen is being read: its read marker follows within seconds (chat/read-markers.ts)
  const unread = (): number => (props.selected ? 0 : props.group.unread)
  const mentions = (): number => (props.selected ? 0 : props.group.mentions)
  const unreadLabel = (): string =>
    unread() === 0 ? '' : `, ${unread() > 999 ? '999+' : unread()} unread${mentions() > 0 ? `, ${mentions()} mentioning you` : ''}`
  return (
    <li>
      <button
        type="button"
        class="group-row"
        classList={{ selected: props.selected }}
        aria-current={props.selected ? 'page' : undefined}
        onClick={() => props.onSelect()}
      >
        <span class="group-name">
          {props.group.name}
          <Show when={props.group.muted}>
            <span class="muted-mark"> (muted)</span>
          </Show>
        </span>
        <span class="visually-hidden">{unreadLabel()}</span>
        <Show when={unread() > 0}>
          <span class="badge" classList={{ mention: mentions() > 0 }} aria-hidden="true">
            {unread() > 999 ? '999+' : unread()}
          </span>
        </Show>
        <span class="group-last">
          {props.group.joining
            ? 'joining…'
            : props.group.last === undefined
              ? 'no messages yet'
              : `${props.group.last.author}: ${props.group.last.deleted ? 'message deleted' : props.group.last.text}`}
        </span>
      </button>
    </li>
  )
}

const CreateGroup: Component<{ onCreated: (groupId: string) => void }> = (props) => {
  const session = useSession()
  const [name, setName] = createSignal('')
  const [error, setError] = createSignal<string>()
  const submit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault()
    const chosen = name().trim()
    if (chosen === '') {
      setError('Give the group a name.')
      return
    }
    try {
      const log = await session.peer.createGroup(chosen)
      session.names.consider(log)
      setName('')
      setError(undefined)
      props.onCreated(log.idHex)
    } catch (err) {
      setError(personMessage(err))
    }
  }
  return (
    <form class="side-form" onSubmit={submit} novalidate>
      <label for="new-group">New group</label>
      <div class="row">
        <input id="new-group" maxLength={MAX_NAME_LENGTH} value={name()} onInput={(e) => setName(e.currentTarget.value)} placeholder="Group name" />
        <button type="submit">Create</button>
      </div>
      <p role="alert" class="error">
        {error()}
      </p>
    </form>
  )
}

const JoinField: Component<{ onLink: (link: string) => void }> = (props) => {
  const [link, setLink] = createSignal('')
  const submit = (event: SubmitEvent): void => {
    event.preventDefault()
    if (link().trim() === '') return
    props.onLink(link().trim())
    setLink('')
  }
  return (
    <form class="side-form" onSubmit={submit} novalidate>
      <label for="join-link">Join with an invite link</label>
      <div class="row">
        <input id="join-link" value={link()} onInput={(e) => setLink(e.currentTarget.value)} placeholder="Paste the link" />
        <button type="submit">Join</button>
      </div>
    </form>
  )
}
