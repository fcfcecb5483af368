/**
 * This person's devices, as the control API offers them: showing a link for
 * a new device and confirming (or refusing) it once the person compared
 * the codes; on a new device, accepting a link; listing the person's
 * devices with their names; revoking one. A link's progress is read by
 * waiting on it (each wait at most `waitMs`), as `causette link` does.
 */
import { hostname } from 'node:os'
import { type ArrivedDevice, type CausettePeer, deviceLinkWebText, fromHex, type LinkOffer, toHex } from '@causette/core'
import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import type { DeviceListResponse, LinkAcceptState, LinkOfferResponse, LinkOfferState } from '../api/device-types.ts'
import { UnknownMemberError } from '../errors.ts'
import type { KnownPeers } from '../store/known-peers.ts'
import type { Settings } from '../store/settings.ts'
import type { DaemonParts } from './daemon.ts'
import { keepSelfName, selfName } from './device-self-name.ts'

/** A device's name as its person sees it: what it called itself when linked. */
const NAME_PREFIX = 'device-name:'

interface Accepting {
  code: string
  done: Promise<{ person: string; groups: number }>
  result?: { person: string; groups: number }
  error?: Error
}

export class DeviceOperations {
  private readonly peer: CausettePeer
  private readonly settings: Pick<Settings, 'get' | 'set'>
  private readonly offers = new Map<string, { offer: LinkOffer; arrived?: ArrivedDevice; error?: Error }>()
  private readonly accepting = new Map<string, Accepting>()

  private readonly store: { tables: { knownPeers: Pick<KnownPeers, 'all'> } }

  private readonly appUrl: () => string

  /** `appUrl`: where this daemon serves the web app (its API's URL), for the link a browser on this computer opens. */
  constructor(parts: Pick<DaemonParts, 'peer' | 'settings' | 'store'>, appUrl: () => string) {
    this.appUrl = appUrl
    this.peer = parts.peer
    this.settings = parts.settings
    this.store = parts.store
  }

  /** A link for a new device of this person, valid for `ttlMs` (first device only). */
  offer(ttlMs?: number): LinkOfferResponse {
    const offer = this.peer.devices.offer({ addresses: this.peer.multiaddrs(), ...(ttlMs === undefined ? {} : { ttlMs }) })
    const entry: { offer: LinkOffer; arrived?: ArrivedDevice; error?: Error } = { offer }
    offer.arrived.then(
      (arrived) => (entry.arrived = arrived),
      (err: Error) => (entry.error = err)
    )
    this.offers.set(offer.id, entry)
    return { id: offer.id, link: offer.text, webLink: deviceLinkWebText(offer.link, `${this.appUrl()}/`), expires: offer.link.expires }
  }

  /** Where the link stands: waiting for a device, a device arrived with its code, or failed (thrown). Waits up to `waitMs` for a change. */
  async offerState(id: string, waitMs: number): Promise<LinkOfferState> {
    const entry = this.offerOf(id)
    if (entry.arrived === undefined && entry.error === undefined) {
      await Promise.race([entry.offer.arrived.catch(() => undefined), new Promise((r) => setTimeout(r, waitMs).unref())])
      await Promise.resolve()
    }
    if (entry.error !== undefined) throw entry.error
    return entry.arrived === undefined ? { state: 'waiting', expires: entry.offer.link.expires } : { state: 'arrived', ...entry.arrived }
  }

  /** The person saw the same code on both devices: link it into every group. */
  async confirm(id: string): Promise<{ device: string; name: string; groups: number }> {
    const entry = this.offerOf(id)
    const linked = await entry.offer.confirm()
    this.offers.delete(id)
    this.settings.set(`${NAME_PREFIX}${linked.device}`, linked.name)
    return linked
  }

  refuse(id: string): void {
    this.offerOf(id).offer.refuse('the person said the codes did not match')
    this.offers.delete(id)
  }

  /** On a new device: starts accepting `link`; answers once the code to compare is known. */
  async accept(link: string, name = hostname()): Promise<{ id: string; code: string }> {
    const { promise: coded, resolve } = Promise.withResolvers<string>()
    // the name it gives itself: written in the person's group, so every device of theirs lists it by it
    keepSelfName(this.settings, name)
    // the person's groups it joins are known to the daemon as they open (daemon-events.ts)
    const done = this.peer.devices.accept(link, { name, onCode: resolve })
    const entry: Accepting = { code: '', done }
    const code = await Promise.race([coded, done.then(() => '')])
    entry.code = code
    done.then(
      (result) => (entry.result = result),
      (err: Error) => (entry.error = err)
    )
    const id = toHex(globalThis.crypto.getRandomValues(new Uint8Array(6)))
    this.accepting.set(id, entry)
    return { id, code }
  }

  /** Where accepting stands: waiting for the person to confirm on the other device, linked, or failed (thrown). */
  async acceptState(id: string, waitMs: number): Promise<LinkAcceptState> {
    const entry = this.accepting.get(id)
    if (entry === undefined) throw new UnknownMemberError(`no device link is being accepted with id ${id}`)
    if (entry.result === undefined && entry.error === undefined) {
      await Promise.race([entry.done.catch(() => undefined), new Promise((r) => setTimeout(r, waitMs).unref())])
      await Promise.resolve()
    }
    if (entry.error !== undefined) throw entry.error
    return entry.result === undefined ? { state: 'waiting', code: entry.code } : { state: 'linked', ...entry.result }
  }

  /** The person's devices across this device's groups, with the names they gave themselves (the person's group; else what they said when this device linked them). */
  list(): DeviceListResponse {
    const connected = new Set(this.peer.libp2p.getConnections().map((c) => toHex(c.remotePeer.publicKey?.raw ?? new Uint8Array())))
    const seen = new Map(this.store.tables.knownPeers.all().map((p) => [p.peer, p.lastSeen]))
    return {
      person: this.peer.libp2p.services.groups.personKey(),
      canLink: this.peer.devices.canLink(),
      devices: this.peer.devices.list().map((d) => ({
        device: d.device,
        name: d.name ?? (d.self ? selfName(this.settings) : (this.settings.get(`${NAME_PREFIX}${d.device}`) ?? '')),
        self: d.self,
        groups: d.groups.length,
        connected: connected.has(d.device),
        ...lastSeen(seen, d.device)
      }))
    }
  }

  /** Revokes the device whose key starts with `prefix` (at least 4 hex digits) in every group. */
  async revoke(prefix: string): Promise<{ device: string; groups: number }> {
    const matches = this.peer.devices.list().filter((d) => !d.self && d.device.startsWith(prefix.toLowerCase()))
    if (matches.length !== 1 || prefix.length < 4) {
      throw new UnknownMemberError(
        matches.length > 1
          ? `${prefix} names ${matches.length} of your devices: give more of its key`
          : `none of your other devices has a key starting with ${prefix}: see causette devices`
      )
    }
    const device = (matches[0] as { device: string }).device
    return { device, groups: await this.peer.devices.revoke(device) }
  }

  private offerOf(id: string): { offer: LinkOffer; arrived?: ArrivedDevice; error?: Error } {
    const entry = this.offers.get(id)
    if (entry === undefined) throw new UnknownMemberError(`no device link with id ${id} is open on this device: run causette link again`)
    return entry
  }
}

/** When this daemon last had the device connected (its known peers), if it ever did. */
function lastSeen(seen: ReadonlyMap<string, number>, device: string): { lastSeen?: number } {
  const at = seen.get(peerIdFromPublicKey(publicKeyFromRaw(fromHex(device))).toString())
  return at === undefined ? {} : { lastSeen: at }
}
