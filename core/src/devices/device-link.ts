/**
 * A device link: what a person's existing device shows (as text and a QR
 * code) so a new device can become theirs.
 *
 *   causette:link/<payload>            (the CLI)
 *   https://<app>/#link=<payload>      (the web app; the fragment never reaches a server)
 *
 * The payload is base64url of a CBOR array [version, device key,
 * addresses, secret, expires] and a 4-byte checksum (codec/checked-payload.ts).
 * The secret proves to the existing device that the new one saw the link;
 * both then show a short code derived from the secret and both device keys,
 * which the person compares (linking-code.ts), so a device that copied the
 * link from afar is caught. A link is single-use and short-lived.
 */
import { decode, encode } from 'cborg'
import { fromString } from 'uint8arrays/from-string'
import { CHECKSUM_BYTES, checksumHolds, encodeChecked } from '../codec/checked-payload.ts'
import { PUBLIC_KEY_BYTES } from '../constants.ts'
import { DeviceLinkExpiredError, MalformedDeviceLinkError } from './device-link-errors.ts'

const VERSION = 1
export const LINK_SECRET_BYTES = 16
const MAX_ADDRESSES = 8
const MAX_ADDRESS_LENGTH = 300
const MAX_LINK_TEXT_LENGTH = 4096
const SCHEME = 'causette:link/'
const FRAGMENT = '#link='

export interface DeviceLink {
  /** Key of the existing device, which shows the link: a device of the person. */
  device: Uint8Array
  /** Its addresses (and relayed ones). */
  addresses: string[]
  secret: Uint8Array
  /** ms since 1970. */
  expires: number
}

export function deviceLinkText(link: DeviceLink): string {
  return `${SCHEME}${encodeChecked(encode([VERSION, link.device, link.addresses.slice(0, MAX_ADDRESSES), link.secret, link.expires]))}`
}

export function deviceLinkWebText(link: DeviceLink, appUrl: string): string {
  return `${appUrl.replace(/#.*$/, '')}${FRAGMENT}${deviceLinkText(link).slice(SCHEME.length)}`
}

/** Reads a link from its text (causette:link/…, a web link with #link=, or the bare payload); checks its expiry when `now` is given. */
export function parseDeviceLink(text: string, now?: number): DeviceLink {
  if (text.length > MAX_LINK_TEXT_LENGTH) throw new MalformedDeviceLinkError(`this text is ${text.length} characters long; a device link is shorter`)
  const trimmed = text.trim()
  let payload = trimmed
  if (trimmed.startsWith(SCHEME)) payload = trimmed.slice(SCHEME.length)
  else if (trimmed.includes(FRAGMENT)) payload = trimmed.slice(trimmed.indexOf(FRAGMENT) + FRAGMENT.length)
  if (!/^[A-Za-z0-9_-]+$/.test(payload)) throw new MalformedDeviceLinkError()
  const damaged = new MalformedDeviceLinkError(
    'This device link is incomplete or was changed (its checksum does not match): copy the whole link again'
  )
  let all: Uint8Array
  try {
    all = fromString(payload, 'base64url')
  } catch {
    throw damaged
  }
  const body = all.subarray(0, Math.max(0, all.byteLength - CHECKSUM_BYTES))
  if (all.byteLength <= CHECKSUM_BYTES || !checksumHolds(body, all)) throw damaged
  let value: unknown
  try {
    value = decode(body, { strict: true, allowUndefined: false, tags: [] })
  } catch {
    throw new MalformedDeviceLinkError()
  }
  if (!Array.isArray(value) || value.length !== 5) throw new MalformedDeviceLinkError()
  const [version, device, addresses, secret, expires] = value as unknown[]
  if (version !== VERSION)
    throw new MalformedDeviceLinkError(`This device link was made by a newer Causette (link version ${String(version)}): update Causette`)
  if (!(device instanceof Uint8Array) || device.byteLength !== PUBLIC_KEY_BYTES) throw new MalformedDeviceLinkError()
  if (!(secret instanceof Uint8Array) || secret.byteLength !== LINK_SECRET_BYTES) throw new MalformedDeviceLinkError()
  if (
    !Array.isArray(addresses) ||
    addresses.length > MAX_ADDRESSES ||
    !addresses.every((a) => typeof a === 'string' && a.length <= MAX_ADDRESS_LENGTH)
  )
    throw new MalformedDeviceLinkError()
  if (typeof expires !== 'number' || !Number.isSafeInteger(expires)) throw new MalformedDeviceLinkError()
  if (now !== undefined && expires <= now) throw new DeviceLinkExpiredError()
  return { device, addresses: addresses as string[], secret, expires }
}
