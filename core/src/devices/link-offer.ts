/**
 * One link a person's first device offers: single-use, short-lived. It waits
 * for a new device to prove it saw the link, then for the person to compare
 * the codes and confirm or refuse; `hand` (the linking service) does the
 * handing over once confirmed.
 */
import type { Stream } from '@libp2p/interface'
import type { lpStream } from '@libp2p/utils'
import { toHex } from '../codec/hex.ts'
import { type DeviceLink, deviceLinkText } from './device-link.ts'
import { DeviceLinkExpiredError, DeviceLinkRefusedError } from './device-link-errors.ts'

/** A device that proved it saw the link, waiting for the person to compare codes. */
export interface ArrivedDevice {
  /** Its key, hex. */
  device: string
  name: string
  /** The code it shows, as "123 456". */
  code: string
}

export type Decision = { confirm: true } | { refuse: string }

/** The new device on the line: its stream and frames, its member key, what it showed. */
export interface Waiting {
  lp: ReturnType<typeof lpStream>
  stream: Stream
  memberKey: Uint8Array
  device: ArrivedDevice
}

export interface LinkOffer {
  readonly id: string
  readonly link: DeviceLink
  /** The link as text: causette:link/… */
  readonly text: string
  /** Resolves when a device proves it saw the link; rejects when the link expires first or is refused. */
  readonly arrived: Promise<ArrivedDevice>
  /** The person saw the same code on both: hands the device what it needs and links it into every group. Resolves with how many. */
  confirm(): Promise<{ device: string; name: string; groups: number }>
  /** The codes differ or the person said no: the device is told and gets nothing. */
  refuse(reason?: string): void
}

export class PendingLink implements LinkOffer {
  readonly id: string
  readonly link: DeviceLink
  readonly text: string
  readonly arrived: Promise<ArrivedDevice>
  /** Whether a device has proved the link: it is then no use to another. */
  taken = false
  private waiting: Waiting | undefined
  private decide: ((d: Decision) => void) | undefined
  private resolveArrived!: (d: ArrivedDevice) => void
  private rejectArrived!: (e: Error) => void
  private readonly timer: ReturnType<typeof setTimeout>
  private readonly hand: (w: Waiting) => Promise<number>
  private readonly ended: (offer: PendingLink) => void

  constructor(link: DeviceLink, now: number, parts: { hand: (w: Waiting) => Promise<number>; ended: (offer: PendingLink) => void }) {
    this.link = link
    this.id = toHex(link.secret.subarray(0, 6))
    this.text = deviceLinkText(link)
    this.hand = parts.hand
    this.ended = parts.ended
    this.arrived = new Promise<ArrivedDevice>((resolve, reject) => {
      this.resolveArrived = resolve
      this.rejectArrived = reject
    })
    this.arrived.catch(() => undefined)
    this.timer = setTimeout(() => this.fail(new DeviceLinkExpiredError('the link expired before a device used it')), link.expires - now)
  }

  get expires(): number {
    return this.link.expires
  }

  /** A device proved the link: `arrived` resolves; resolves in turn with the person's decision. */
  arrive(w: Waiting): Promise<Decision> {
    clearTimeout(this.timer)
    this.taken = true
    this.waiting = w
    const decision = new Promise<Decision>((resolve) => {
      this.decide = resolve
    })
    this.resolveArrived(w.device)
    return decision
  }

  async confirm(): Promise<{ device: string; name: string; groups: number }> {
    const w = this.waiting
    const decide = this.decide
    if (w === undefined || decide === undefined) throw new DeviceLinkExpiredError('no device is waiting on this link')
    this.decide = undefined
    decide({ confirm: true })
    try {
      const groups = await this.hand(w)
      return { device: w.device.device, name: w.device.name, groups }
    } finally {
      this.ended(this)
    }
  }

  refuse(reason = 'the codes did not match, or the person said no'): void {
    const decide = this.decide
    this.decide = undefined
    decide?.({ refuse: reason })
    this.fail(new DeviceLinkRefusedError(reason))
  }

  /** Ends the offer: the link is no longer usable, and whoever waits on `arrived` is told why. */
  fail(err: Error): void {
    clearTimeout(this.timer)
    this.ended(this)
    this.rejectArrived(err)
  }
}
