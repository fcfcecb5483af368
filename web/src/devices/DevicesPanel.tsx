/**
 * The person's devices, in the settings: this tab and the others that
 * write for the person, and — on the person's first device — linking a new
 * one (the link as text and QR code, then the arriving device's name and
 * the code to compare, confirmed or refused here) and revoking one (it
 * leaves every group, with a new key it never gets). docs/devices.md.
 */
import type { ArrivedDevice, LinkOffer } from '@causette/core'
import { type Component, createSignal, For, Show } from 'solid-js'
import { renderSVG } from 'uqr'
import { personMessage } from '../app/person-message.ts'
import { useSession } from '../app/session.ts'

export const DevicesPanel: Component = () => {
  const session = useSession()
  const devices = session.peer.devices
  const [list, setList] = createSignal(devices.list())
  const [offer, setOffer] = createSignal<LinkOffer>()
  const [arrived, setArrived] = createSignal<ArrivedDevice>()
  const [said, setSaid] = createSignal<string>()
  const [error, setError] = createSignal<string>()
  const [revoking, setRevoking] = createSignal<string>()
  const link = (): void => {
    setError(undefined)
    setSaid(undefined)
    try {
      const made = devices.offer({ addresses: session.peer.multiaddrs() })
      setOffer(made)
      made.arrived.then(setArrived, (err: unknown) => {
        setOffer(undefined)
        setError(personMessage(err))
      })
    } catch (err) {
      setError(personMessage(err))
    }
  }
  const decide = async (same: boolean): Promise<void> => {
    const current = offer()
    if (current === undefined) return
    setArrived(undefined)
    setOffer(undefined)
    if (!same) {
      current.refuse('the person said the codes did not match')
      setSaid('Not linked: the other device was told and got nothing.')
      return
    }
    try {
      const linked = await current.confirm()
      setSaid(`Linked ${linked.name}: it joins your ${linked.groups} group${linked.groups === 1 ? '' : 's'} and receives their history.`)
      setList(devices.list())
    } catch (err) {
      setError(personMessage(err))
    }
  }
  const revoke = async (device: string): Promise<void> => {
    setRevoking(undefined)
    try {
      const groups = await devices.revoke(device)
      setSaid(`Revoked device ${device.slice(0, 12)} in ${groups} group${groups === 1 ? '' : 's'}: each has a new key it never gets.`)
      setList(devices.list())
    } catch (err) {
      setError(personMessage(err))
    }
  }
  return (
    <fieldset class="settings devices">
      <legend>Your devices</legend>
      <ul>
        <For each={list()}>
          {(d) => (
            <li>
              {d.self ? 'This tab' : (d.name ?? `Device ${d.device.slice(0, 12)}`)}, in {d.groups.length} group{d.groups.length === 1 ? '' : 's'}
              <Show when={devices.canLink() && !d.self}>
                <Show
                  when={revoking() === d.device}
                  fallback={
                    <button type="button" onClick={() => setRevoking(d.device)}>
                      Revoke
                    </button>
                  }
                >
                  <button type="button" onClick={() => void revoke(d.device)}>
                    Revoke it from every group
                  </button>
                </Show>
              </Show>
            </li>
          )}
        </For>
      </ul>
      <Show when={devices.canLink()} fallback={<p class="hint">New devices are linked from your first device.</p>}>
        <Show
          when={offer()}
          fallback={
            <button type="button" onClick={link}>
              Link a new device
            </button>
          }
        >
          {(made) => (
            <Show
              when={arrived()}
              fallback={
                <>
                  <label for="device-link">Open this on your new device (usable once, for 10 minutes)</label>
                  <input id="device-link" readOnly value={made().text} />
                  <div class="qr" role="img" aria-label="QR code of the device link" innerHTML={renderSVG(made().text, { border: 2 })} />
                  <p role="status">Waiting for your new device…</p>
                </>
              }
            >
              {(device) => (
                <>
                  <p role="status">
                    A device named “{device().name}” wants to become yours. It shows the code <strong>{device().code}</strong>.
                  </p>
                  <button type="button" onClick={() => void decide(true)}>
                    Yes, it shows this code
                  </button>
                  <button type="button" onClick={() => void decide(false)}>
                    No
                  </button>
                </>
              )}
            </Show>
          )}
        </Show>
      </Show>
      <Show when={said()}>
        <p role="status">{said()}</p>
      </Show>
      <Show when={error()}>
        <p role="alert" class="error">
          {error()}
        </p>
      </Show>
    </fieldset>
  )
}
