/**
 * Settings: the display name (written into every group), the community
 * relays this tab uses besides the daemon that served it (each checked as a
 * multiaddr with a peer id; they take effect on the next start), read
 * receipts, notifications of mentions (the browser's permission asked on
 * Save, the person's click), and the export of a group's history. The
 * theme follows the system's.
 */
import { MAX_NAME_LENGTH } from '@causette/core'
import { multiaddr } from '@multiformats/multiaddr'
import { type Component, createResource, createSignal, For, lazy, Show } from 'solid-js'
import { AppDialog } from '../app/AppDialog.tsx'
import { personMessage } from '../app/person-message.ts'
import { saveFile } from '../app/save-download.ts'
import { useSession } from '../app/session.ts'
import { exportGroup } from './export-group.ts'

// the devices section loads with the dialog, not with the first screen
const DevicesPanel = lazy(() => import('../devices/DevicesPanel.tsx').then((m) => ({ default: m.DevicesPanel })))

/** The relays in the text, one per line; throws saying which line is not a relay's address. */
export function parseRelays(text: string): string[] {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
  return lines.map((line, i) => {
    let address: ReturnType<typeof multiaddr>
    try {
      address = multiaddr(line)
    } catch {
      throw new Error(`Line ${i + 1} is not a relay address: it should look like /dns4/relay.example.org/tcp/443/wss/p2p/12D3KooW…`)
    }
    if (!address.getComponents().some((c) => c.name === 'p2p'))
      throw new Error(`Line ${i + 1} lacks the relay's peer id: it should end with /p2p/12D3KooW…`)
    return address.toString()
  })
}

/** Asks the browser, from the person's click, for the permission to notify; whether it is given. */
async function notificationsAllowed(): Promise<boolean> {
  if (typeof Notification === 'undefined') return false
  if (Notification.permission === 'granted') return true
  return (await Notification.requestPermission()) === 'granted'
}

export const SettingsDialog: Component = () => {
  const session = useSession()
  const [name, setName] = createSignal('')
  const [relays, setRelays] = createSignal('')
  const [sharing, setSharing] = createSignal(true)
  const [receipts, setReceipts] = createSignal(session.preferences.sendsReceipts)
  const [notify, setNotify] = createSignal(session.preferences.notifies)
  const [message, setMessage] = createSignal<string>()
  const [error, setError] = createSignal<string>()
  const [exportId, setExportId] = createSignal('')
  // the form shows once the saved values are in it, so nothing typed before is overwritten
  const [loaded] = createResource(async () => {
    setName((await session.identity.displayName()) ?? '')
    setRelays((await session.identity.relays()).join('\n'))
    setSharing(await session.identity.sharesPresence())
    return true
  })
  const save = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault()
    // first, while the click still counts as the person's: the browser asks only then
    const notifying = notify() && (await notificationsAllowed())
    try {
      const chosen = name().trim()
      if (chosen === '') throw new Error('Your name cannot be empty.')
      const list = parseRelays(relays())
      const before = (await session.identity.relays()).join('\n')
      await session.identity.setDisplayName(chosen)
      session.names.set(chosen)
      await session.identity.setRelays(list)
      await session.identity.setSharesPresence(sharing())
      session.peer.signals.setSharing(sharing())
      await session.preferences.setReceipts(receipts())
      await session.preferences.setNotify(notifying)
      setNotify(notifying)
      setError(
        notify() && !notifying
          ? 'This browser does not allow notifications for this page: allow them in its site settings, then try again.'
          : undefined
      )
      setMessage(list.join('\n') === before ? 'Saved.' : 'Saved. Reload the page to use the new relays.')
    } catch (err) {
      setMessage(undefined)
      setError(personMessage(err))
    }
  }
  const runExport = async (): Promise<void> => {
    const groupId = exportId() || session.peer.groups()[0]?.idHex
    if (groupId === undefined) return
    try {
      const log = session.peer.group(groupId)
      const blob = await exportGroup(session.peer, groupId, (n) => setMessage(`Exporting: ${n.toLocaleString('en')} messages…`))
      const safeName = (log.view.metadata().name || 'group').replace(/[^\p{L}\p{N}_-]+/gu, '-')
      saveFile(blob, `causette-${safeName}-${new Date().toISOString().slice(0, 10)}.jsonl`)
      setMessage('Export ready: your browser saves the file.')
    } catch (err) {
      setError(personMessage(err))
    }
  }
  return (
    <AppDialog trigger="Settings" triggerClass="settings-button" title="Settings" error={error()}>
      <Show when={loaded()}>
        <form class="settings" onSubmit={save} novalidate>
          <label for="settings-name">Your name</label>
          <input id="settings-name" maxLength={MAX_NAME_LENGTH} value={name()} onInput={(e) => setName(e.currentTarget.value)} />
          <label for="settings-relays">Community relays, one address per line</label>
          <textarea id="settings-relays" rows="3" value={relays()} onInput={(e) => setRelays(e.currentTarget.value)} />
          <label class="choice">
            <input type="checkbox" checked={sharing()} onChange={(e) => setSharing(e.currentTarget.checked)} />
            Let my groups see when I am online, away or typing
          </label>
          <label class="choice">
            <input type="checkbox" checked={receipts()} onChange={(e) => setReceipts(e.currentTarget.checked)} />
            Send read receipts: my groups see how far I have read (turned off, I do not see who has seen my messages either)
          </label>
          <label class="choice">
            <input type="checkbox" checked={notify()} onChange={(e) => setNotify(e.currentTarget.checked)} />
            Notify me when someone mentions me or replies to me (not in muted groups)
          </label>
          <p class="hint">The theme follows your system’s light or dark setting.</p>
          <button type="submit">Save</button>
        </form>
      </Show>
      <DevicesPanel />
      <fieldset class="settings">
        <legend>Export a group’s history</legend>
        <label for="export-group">Group</label>
        <select id="export-group" value={exportId()} onChange={(e) => setExportId(e.currentTarget.value)}>
          <For each={session.peer.groups().filter((log) => log.idHex !== session.peer.devices.personGroupId)}>
            {(log) => <option value={log.idHex}>{log.view.metadata().name || 'Unnamed group'}</option>}
          </For>
        </select>
        <button type="button" onClick={() => void runExport()}>
          Export (JSON lines)
        </button>
      </fieldset>
      <p role="status">{message()}</p>
    </AppDialog>
  )
}
