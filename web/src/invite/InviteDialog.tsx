/**
 * Inviting someone: a link (with its QR code) that carries the group's
 * way in, made for how long it may be used and whether by one person only.
 * The link works in the web app and, pasted, in the CLI (`causette join`).
 */
import { inviteWebLink } from '@causette/core'
import { type Component, createSignal, Show } from 'solid-js'
import { renderSVG } from 'uqr'
import { AppDialog } from '../app/AppDialog.tsx'
import { personMessage } from '../app/person-message.ts'
import { useSession } from '../app/session.ts'

const EXPIRIES = [
  { label: '1 hour', ms: 3_600_000 },
  { label: '1 day', ms: 86_400_000 },
  { label: '7 days', ms: 7 * 86_400_000 },
  { label: 'Never', ms: 0 }
] as const

export const InviteDialog: Component<{ groupId: string; groupName: string }> = (props) => {
  const session = useSession()
  const [expiry, setExpiry] = createSignal<number>(EXPIRIES[2].ms)
  const [singleUse, setSingleUse] = createSignal(false)
  const [link, setLink] = createSignal<string>()
  const [error, setError] = createSignal<string>()
  const [copied, setCopied] = createSignal(false)
  const create = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault()
    try {
      const invite = await session.peer.createInvite(props.groupId, {
        singleUse: singleUse(),
        ...(expiry() === 0 ? {} : { expires: Date.now() + expiry() })
      })
      setLink(inviteWebLink(invite, `${location.origin}${location.pathname}`))
      setError(undefined)
      setCopied(false)
    } catch (err) {
      setError(personMessage(err))
    }
  }
  const copy = async (): Promise<void> => {
    const text = link()
    if (text === undefined) return
    try {
      await navigator.clipboard.writeText(text)
      setCopied(true)
    } catch {
      setError('The browser did not let the page copy: select the link and copy it yourself.')
    }
  }
  return (
    <AppDialog
      trigger="Invite"
      triggerClass="invite-button"
      title={`Invite to ${props.groupName}`}
      error={error()}
      description="Whoever has the link can join until it expires. Send it only to the people you mean."
      onOpenChange={(open) => open || setLink(undefined)}
    >
      <form onSubmit={create}>
        <fieldset>
          <legend>Link valid for</legend>
          {EXPIRIES.map((option) => (
            <label class="choice">
              <input type="radio" name="expiry" checked={expiry() === option.ms} onChange={() => setExpiry(option.ms)} />
              {option.label}
            </label>
          ))}
        </fieldset>
        <label class="choice">
          <input type="checkbox" checked={singleUse()} onChange={(e) => setSingleUse(e.currentTarget.checked)} />
          One person only
        </label>
        <button type="submit">Create link</button>
      </form>
      <Show when={link()}>
        {(text) => (
          <div class="invite-link">
            <label for="invite-link-text">Invite link</label>
            <input id="invite-link-text" readOnly value={text()} onFocus={(e) => e.currentTarget.select()} />
            <button type="button" onClick={() => void copy()}>
              {copied() ? 'Copied' : 'Copy link'}
            </button>
            <div class="qr" role="img" aria-label="QR code of the invite link" innerHTML={renderSVG(text(), { border: 2 })} />
          </div>
        )}
      </Show>
    </AppDialog>
  )
}
