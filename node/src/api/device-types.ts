/** The control API's answers about this person's devices: linking a new one, listing, revoking (daemon/device-operations.ts). */

export interface LinkOfferResponse {
  /** Names the link in the routes that follow it. */
  id: string
  /** causette:link/…: what the new device opens or scans. */
  link: string
  /** The same link for the web app this daemon serves: a tab of a browser on this computer opens it to become the person's device. */
  webLink: string
  expires: number
}

/** A link offered here: no device yet, or a device that proved it saw the link and shows `code`. */
export type LinkOfferState = { state: 'waiting'; expires: number } | { state: 'arrived'; device: string; name: string; code: string }

export interface LinkConfirmResponse {
  device: string
  name: string
  /** Groups it was linked into. */
  groups: number
}

export interface LinkAcceptResponse {
  id: string
  /** The code to compare with the one the other device shows, "123 456". */
  code: string
}

export type LinkAcceptState = { state: 'waiting'; code: string } | { state: 'linked'; person: string; groups: number }

export interface DeviceView {
  device: string
  /** What it called itself when linked ('' when unknown). */
  name: string
  self: boolean
  /** Groups it writes in for the person. */
  groups: number
  connected: boolean
  /** When this daemon last had it connected (ms), if it ever did. */
  lastSeen?: number
}

export interface DeviceListResponse {
  /** The person key, hex: the key of the person's first device. */
  person: string
  /** Whether this device links and revokes the person's devices (it is the first). */
  canLink: boolean
  devices: DeviceView[]
}

export interface RevokeDeviceResponse {
  device: string
  groups: number
}
