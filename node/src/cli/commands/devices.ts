/**
 * `causette link` and `causette devices`: one person on several devices.
 * On the first device, `link` shows a link and QR code for the new device,
 * then asks the person to compare the code both devices show before it
 * hands anything over; on the new device, `link <link>` accepts it.
 * `devices` lists the person's devices; `--revoke` takes one out of every
 * group (docs/devices.md).
 */
import { createInterface } from 'node:readline/promises'
import type { Command } from 'commander'
import { renderUnicodeCompact } from 'uqr'
import type {
  DeviceListResponse,
  LinkAcceptResponse,
  LinkAcceptState,
  LinkConfirmResponse,
  LinkOfferResponse,
  LinkOfferState,
  RevokeDeviceResponse
} from '../../api/device-types.ts'
import { UsageError } from '../../errors.ts'
import type { ApiClient } from '../api-client.ts'
import { contextOf } from '../command-context.ts'
import { parseDuration } from '../duration.ts'
import { count, formatTime } from '../message-format.ts'
import type { Output } from '../output.ts'

/** Each wait the daemon answers within (it holds the request until something changes or this passes). */
const WAIT_MS = 30_000
/** Bounds every wait loop: a link lives at most 30 minutes. */
const MAX_WAITS = 80

export function registerDevices(program: Command): void {
  program
    .command('link')
    .description('link a new device to you: run it with no link on your first device, then with the link it prints on the new one')
    .argument('[link]', 'on the new device: the causette:link/… your first device shows')
    .option('--name <name>', 'on the new device: what to call it on your other devices (default: the host name)')
    .option('--expires <duration>', 'on the first device: how long the link stays usable, up to 30m', '10m')
    .option('--code <digits>', 'on the first device: link only a device that shows these six digits, without asking')
    .addHelpText(
      'after',
      '\nBoth devices then show the same six-digit code: check it before you say yes. The new device becomes you in\nevery group (one member with two devices, one safety number), receives the history, your name, verified\nand blocked members and your mutes. Only your first device links and revokes devices.'
    )
    .action(async (link: string | undefined, options: { name?: string; expires: string; code?: string }, command: Command) => {
      const { out, connect } = contextOf(command)
      const client = await connect()
      if (link === undefined) await offerLink(client, out, parseDuration(options.expires), options.code)
      else await acceptLink(client, out, link, options.name)
    })

  program
    .command('devices')
    .description('your devices: the ones linked to you and the groups each writes in; --revoke takes one out of every group')
    .option('--revoke <device>', 'the start of the device key (at least 4 hex digits) to revoke: it reads nothing written after')
    .action(async (options: { revoke?: string }, command: Command) => {
      const { out, connect } = contextOf(command)
      const client = await connect()
      if (options.revoke !== undefined) {
        const revoked = await client.delete<RevokeDeviceResponse>(`/v1/devices/${encodeURIComponent(options.revoke)}`)
        out.data(revoked)
        out.line(`Revoked device ${revoked.device.slice(0, 12)} in ${count(revoked.groups, 'group')}: each has a new key it never gets.`)
        return
      }
      const listed = await client.get<DeviceListResponse>('/v1/devices')
      out.data(listed)
      out.line(`You (person ${listed.person.slice(0, 12)}): ${count(listed.devices.length, 'device')}`)
      for (const d of listed.devices) {
        const presence = d.self
          ? 'this device'
          : d.connected
            ? 'online'
            : d.lastSeen === undefined
              ? 'not seen here yet'
              : `last seen ${formatTime(d.lastSeen)}`
        const notes = [presence, `in ${count(d.groups, 'group')}`]
        out.line(`  ${d.device.slice(0, 12)}  ${d.name === '' ? '(no name)' : d.name}  ${notes.join(', ')}`)
      }
      if (!listed.canLink) out.note('Devices are linked and revoked from your first device.')
    })
}

async function offerLink(client: ApiClient, out: Output, ttlMs: number, code: string | undefined): Promise<void> {
  if (code !== undefined && !/^\d{3} ?\d{3}$/.test(code.trim()))
    throw new UsageError('--code takes the six digits the new device shows, e.g. "123 456"')
  const offer = await client.post<LinkOfferResponse>('/v1/devices/links', { ttlMs })
  out.data(offer)
  out.line(offer.link)
  if (!out.json) out.line(renderUnicodeCompact(offer.link, { border: 1 }))
  out.note(`On your new device: causette link '${offer.link}'  (usable once, until ${formatTime(offer.expires)})`)
  out.note(`Or, for this computer's browser: open ${offer.webLink}`)
  let state: LinkOfferState = { state: 'waiting', expires: offer.expires }
  for (let i = 0; i < MAX_WAITS && state.state === 'waiting'; i++) {
    state = await client.get<LinkOfferState>(`/v1/devices/links/${offer.id}?waitMs=${WAIT_MS}`)
  }
  if (state.state !== 'arrived') throw new UsageError('no device used the link in time: run causette link again')
  out.data(state)
  out.note(`A device named "${state.name}" (key ${state.device.slice(0, 12)}) wants to become yours. It shows the code ${state.code}.`)
  const same =
    code !== undefined ? code.replace(' ', '') === state.code.replace(' ', '') : await askYes(`Does the new device show ${state.code}? [y/N] `)
  if (!same) {
    await client.post(`/v1/devices/links/${offer.id}/refuse`, {})
    out.line('Not linked: the new device was told and got nothing.')
    return
  }
  const linked = await client.post<LinkConfirmResponse>(`/v1/devices/links/${offer.id}/confirm`, {})
  out.data(linked)
  out.line(`Linked "${linked.name}": it joins your ${count(linked.groups, 'group')} and receives their history.`)
}

async function acceptLink(client: ApiClient, out: Output, link: string, name: string | undefined): Promise<void> {
  const accepting = await client.post<LinkAcceptResponse>('/v1/devices/accept', { link, ...(name === undefined ? {} : { name }) })
  out.data(accepting)
  out.line(`Code: ${accepting.code}`)
  out.note('Check that your other device shows the same code, and confirm there.')
  let state: LinkAcceptState = { state: 'waiting', code: accepting.code }
  for (let i = 0; i < MAX_WAITS && state.state === 'waiting'; i++) {
    state = await client.get<LinkAcceptState>(`/v1/devices/accept/${accepting.id}?waitMs=${WAIT_MS}`)
  }
  if (state.state !== 'linked') throw new UsageError('your other device did not confirm in time: run causette link there again')
  out.data(state)
  out.line(
    `Linked: this device is now yours (person ${state.person.slice(0, 12)}). It joins ${count(state.groups, 'group')}; their history arrives by sync.`
  )
}

/** A yes/no question on the terminal (or the first line of standard input); anything but y or yes is no. */
async function askYes(question: string): Promise<boolean> {
  const lines = createInterface({ input: process.stdin, output: process.stderr })
  try {
    const answer = await lines.question(question)
    return /^(y|yes)$/i.test(answer.trim())
  } catch {
    return false
  } finally {
    lines.close()
  }
}
