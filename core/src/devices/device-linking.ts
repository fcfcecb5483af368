/**
 * The device linking service: a person's first device offers a link, a new
 * device accepts it over `/causette/link/1.0.0`, the person compares the
 * code both show and confirms on the first device, which then hands the new
 * one its certificate, the person's groups and settings, and links it into
 * each group (a `link-device` entry; a member holding the keys rekeys for
 * it, as for a newcomer, so it receives the history by sync).
 *
 * ```ts
 * const offer = peer.devices.offer({ addresses: peer.multiaddrs() })        // on the first device
 * show(offer.text); const arrived = await offer.arrived; ask(arrived.code)
 * await offer.confirm()
 * await newPeer.devices.accept(text, { onCode: (code) => show(code) })      // on the new device
 * ```
 */

import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import type { Connection, Startable, Stream } from '@libp2p/interface'
import { serviceCapabilities } from '@libp2p/interface'
import type { ConnectionManager, Registrar } from '@libp2p/interface-internal'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { TypedEventEmitter } from 'main-event'
import { fromHex, toHex } from '../codec/hex.ts'
import { memberKeyPair } from '../crypto/member-key.ts'
import type { PersonClaim } from '../group/membership-operations.ts'
import { certifyDevice, checkDeviceCertificate } from '../identity/device-certificate.ts'
import type { GroupLog } from '../log/group-log.ts'
import type { Groups } from '../peer/groups.ts'
import type { GroupSync } from '../sync/group-sync.ts'
import { type DeviceLink, LINK_SECRET_BYTES, parseDeviceLink } from './device-link.ts'
import { DeviceLinkExpiredError, DeviceLinkRefusedError, DeviceLinkTimeoutError, DeviceNotNewError } from './device-link-errors.ts'
import {
  decodeDone,
  decodeHello,
  decodePackage,
  encodeDone,
  encodeHello,
  encodePackage,
  LINK_PROTOCOL,
  type LinkPackage,
  MAX_LINK_FRAME_BYTES
} from './link-frames.ts'
import { type Decision, type LinkOffer, PendingLink, type Waiting } from './link-offer.ts'
import { linkingCode, linkProof, linkProofHolds } from './linking-code.ts'
import { type OwnDevice, ownDevices, revokeOwnDevice } from './own-devices.ts'
import { type FirstDevice, PersonGroup } from './person-group.ts'
import { PersonGroupNotes } from './person-group-notes.ts'
import type { PersonSettingChange } from './person-setting.ts'

/** How long a link stays usable unless the runtime says otherwise. */
export const DEFAULT_LINK_TTL_MS = 10 * 60_000
/** The new device's time to store what it was given and say so. */
const DONE_TIMEOUT_MS = 60_000

export interface DeviceLinkingInit {
  /** The person's settings to hand a new device, in the runtime's own encoding (display name, blocks, verifications, mutes, read positions). */
  exportSettings?: () => Promise<Uint8Array>
  /** Takes the settings the person's other device handed this one. */
  importSettings?: (settings: Uint8Array) => Promise<void>
  /** Keeps the person claim this device was given, durably, before it joins any group as that person. */
  keepPerson?: (claim: LinkedPerson) => Promise<void>
  /** What this device kept when it was linked (a linked device), as `keepPerson` was given it. */
  linked?: LinkedPerson
  /** On the first device: the person's own group (hex id), once made; `keepPersonGroup` keeps its id when it is made. */
  personGroup?: string
  keepPersonGroup?: (id: string) => Promise<void>
  /** This device's name for itself ("laptop", "Chromium tab"), written in the person's group so their other devices list it by it. */
  selfName?: () => string | undefined
  /** Takes the person's settings another of their devices changed after linking (person-setting.ts); `changeSetting` writes this device's own changes. */
  applySettings?: (changes: PersonSettingChange[]) => Promise<void>
  now?: () => number
}

export interface DeviceLinkingComponents {
  registrar: Pick<Registrar, 'handle' | 'unhandle'>
  connectionManager: Pick<ConnectionManager, 'openConnection'>
  groups: Groups
  groupSync: GroupSync
}

/** What a linked device keeps: whose it is, the person's certificate for it, the first device's certificate and member key, and the person's own group. */
export interface LinkedPerson extends Required<PersonClaim> {
  personCertificate: Uint8Array
  personMemberKey: Uint8Array
  personGroup: Uint8Array
}

export interface DeviceLinkingEvents {
  /** This device took a group of the person's: at linking, or from a note of another device of theirs (person-group.ts). */
  'group:taken': CustomEvent<GroupLog>
}

export class DeviceLinking extends TypedEventEmitter<DeviceLinkingEvents> implements Startable {
  readonly [Symbol.toStringTag] = '@causette/device-linking'
  readonly [serviceCapabilities] = ['@causette/device-linking']
  private readonly components: DeviceLinkingComponents
  private readonly init: DeviceLinkingInit
  private readonly now: () => number
  private readonly pending = new Map<string, PendingLink>()
  private linked: LinkedPerson | undefined
  private readonly own: PersonGroup
  private readonly notes: PersonGroupNotes
  private shutdown = new AbortController()

  constructor(components: DeviceLinkingComponents, init: DeviceLinkingInit = {}) {
    super()
    this.components = components
    this.init = init
    this.now = init.now ?? Date.now
    this.linked = init.linked
    const ownGroup = init.linked === undefined ? init.personGroup : toHex(init.linked.personGroup)
    this.own = new PersonGroup(components.groups, ownGroup, () => this.firstDevice())
    this.notes = new PersonGroupNotes(
      components.groups,
      this.own,
      (log) => this.safeDispatchEvent('group:taken', { detail: log }),
      init.selfName,
      init.applySettings
    )
  }

  async start(): Promise<void> {
    if (this.shutdown.signal.aborted) this.shutdown = new AbortController()
    this.notes.start(this.shutdown.signal)
    await this.components.registrar.handle(LINK_PROTOCOL, (stream, connection) => this.answer(stream, connection), {
      maxInboundStreams: 2,
      runOnLimitedConnection: true
    })
  }

  private firstDevice(): FirstDevice | undefined {
    return firstDeviceOf(this.linked)
  }

  /** This device is in `log` now (it created or joined it): the person's other devices follow it there (person-group.ts). */
  async announce(log: GroupLog): Promise<void> {
    await this.own.announce(log)
  }

  /** The person's own group (hex id), if there is one: runtimes leave it out of the group lists. */
  /** A setting of the person changed on this device (person-setting.ts): written for their other devices, once there are any. */
  changeSetting(setting: string, value: string): Promise<void> {
    return this.own.writeSetting(setting, value)
  }

  get personGroupId(): string | undefined {
    return this.own.groupId
  }

  async stop(): Promise<void> {
    this.shutdown.abort()
    for (const p of this.pending.values()) p.fail(new DeviceLinkExpiredError('the device stopped before the link was used'))
    this.pending.clear()
    await this.components.registrar.unhandle(LINK_PROTOCOL)
  }

  /** Whether this device may link others: it is the person's first device (its key is the person key). */
  canLink(): boolean {
    const { groups } = this.components
    return groups.personKey() === toHex(groups.key.publicKey)
  }

  /** A single-use link, valid for `ttlMs`, that a new device of the person's accepts (first device only). */
  offer(options: { addresses: string[]; ttlMs?: number }): LinkOffer {
    if (!this.canLink()) {
      throw new DeviceLinkRefusedError('new devices are linked from your first device, which holds your person key: run `causette link` there')
    }
    const secret = globalThis.crypto.getRandomValues(new Uint8Array(LINK_SECRET_BYTES))
    const expires = this.now() + (options.ttlMs ?? DEFAULT_LINK_TTL_MS)
    const link: DeviceLink = { device: this.components.groups.key.publicKey, addresses: options.addresses, secret, expires }
    const offer = new PendingLink(link, this.now(), { hand: (w) => this.hand(w), ended: (o) => this.pending.delete(o.id) })
    this.pending.set(offer.id, offer)
    return offer
  }

  /** This person's devices across the groups this device is in (the person's own group of devices not among them). */
  list(): OwnDevice[] {
    return ownDevices(this.components.groups, this.own.groupId).map((d) => {
      const name = this.own.nameOf(d.device)
      return name === undefined ? d : { ...d, name }
    })
  }

  /** Revokes one of this person's devices in every group (first device only): it reads nothing written afterwards. Resolves with how many of the person's chats (their own group of devices aside). */
  revoke(device: string): Promise<number> {
    if (!this.canLink()) throw new DeviceLinkRefusedError('devices are revoked from your first device, which holds your person key')
    return revokeOwnDevice(this.components.groups, device, this.own.groupId)
  }

  /** On the new device: proves the link, shows the code (`onCode`), and once the person confirms on the other device, becomes theirs and joins their groups. */
  async accept(
    text: string,
    options: { name: string; onCode: (code: string) => void; signal?: AbortSignal }
  ): Promise<{ person: string; groups: number }> {
    const { groups, connectionManager } = this.components
    const link = parseDeviceLink(text, this.now())
    const held = groups.all().length
    if (held > 0) throw new DeviceNotNewError(held)
    const abort = AbortSignal.any([
      AbortSignal.timeout(Math.max(1_000, link.expires - this.now()) + DONE_TIMEOUT_MS),
      ...(options.signal === undefined ? [] : [options.signal])
    ])
    const existing = peerIdFromPublicKey(publicKeyFromRaw(link.device))
    const connection = await connectionManager
      .openConnection(link.addresses.length > 0 ? link.addresses.map((a) => multiaddr(a)) : existing, { signal: abort })
      .catch((err: Error) => {
        throw new DeviceLinkTimeoutError(`could not reach your other device (${err.message}): check that it is online and still showing the link`)
      })
    if (!connection.remotePeer.equals(existing)) throw new DeviceLinkRefusedError('the address in the link reached another device')
    const stream = await connection.newStream(LINK_PROTOCOL, { signal: abort, runOnLimitedConnection: true })
    const lp = lpStream(stream, { maxDataLength: MAX_LINK_FRAME_BYTES })
    const self = groups.key.publicKey
    const memberKey = memberKeyPair(groups.key).publicKey
    try {
      await lp.write(encodeHello({ proof: linkProof(link.secret, link.device, self, memberKey), memberKey, name: options.name.slice(0, 64) }), {
        signal: abort
      })
      options.onCode(linkingCode(link.secret, link.device, self))
      const answer = decodePackage(
        (
          await lp.read({ signal: abort }).catch(() => {
            throw new DeviceLinkTimeoutError()
          })
        ).subarray()
      )
      if ('refused' in answer) throw new DeviceLinkRefusedError(answer.refused)
      const count = await this.become(answer, self, memberKey)
      await lp.write(encodeDone({ done: true }), { signal: abort })
      await stream.close({ signal: abort }).catch(() => undefined)
      for (const log of groups.all()) this.components.groupSync.request(log.idHex, existing.toString())
      return { person: toHex(answer.person), groups: count }
    } catch (err) {
      stream.abort(err as Error)
      throw err
    }
  }

  /** Takes what the first device handed over: the person claim (kept first), the settings, the groups. */
  private async become(given: LinkPackage, self: Uint8Array, memberKey: Uint8Array): Promise<number> {
    const { groups } = this.components
    if (!checkDeviceCertificate(given.person, self, memberKey, given.certificate)) {
      throw new DeviceLinkRefusedError("the other device's certificate for this one does not hold")
    }
    const claim: LinkedPerson = {
      person: given.person,
      certificate: given.certificate,
      personCertificate: given.personCertificate,
      personMemberKey: given.personMemberKey,
      personGroup: given.personGroup
    }
    await this.init.keepPerson?.(claim)
    this.linked = claim
    this.own.adopt(toHex(claim.personGroup))
    groups.setPerson({ person: claim.person, certificate: claim.certificate })
    await this.init.importSettings?.(given.settings)
    for (const g of given.groups) this.safeDispatchEvent('group:taken', { detail: await groups.join(g.id, g.secret, g.name) })
    // the person's own group of devices is not one of their chats
    return given.groups.filter((g) => toHex(g.id) !== toHex(given.personGroup)).length
  }

  /** On the first device: a new device's hello; waits for the person's decision, then hands over (see `hand`). */
  private async answer(stream: Stream, connection: Connection): Promise<void> {
    const lp = lpStream(stream, { maxDataLength: MAX_LINK_FRAME_BYTES })
    try {
      const key = connection.remotePeer.publicKey?.raw
      const hello = decodeHello((await lp.read({ signal: AbortSignal.timeout(30_000) })).subarray())
      const self = this.components.groups.key.publicKey
      const entry =
        key === undefined ? undefined : [...this.pending.values()].find((p) => linkProofHolds(hello.proof, p.link.secret, self, key, hello.memberKey))
      if (key === undefined || entry === undefined || entry.taken || entry.expires <= this.now()) {
        await lp.write(encodePackage({ refused: 'this link has expired or was already used: show a new one on your first device' }))
        await stream.close()
        return
      }
      const device = { device: toHex(key), name: hello.name, code: linkingCode(entry.link.secret, self, key) }
      const decision = entry.arrive({ lp, stream, memberKey: hello.memberKey, device })
      let timer: ReturnType<typeof setTimeout> | undefined
      const said = await Promise.race([
        decision,
        new Promise<Decision>((resolve) => {
          timer = setTimeout(() => resolve({ refuse: 'the link expired before the person confirmed' }), Math.max(0, entry.expires - this.now()))
        })
      ]).finally(() => clearTimeout(timer))
      if ('refuse' in said) {
        entry.fail(new DeviceLinkRefusedError(said.refuse))
        await lp.write(encodePackage({ refused: said.refuse }))
        await stream.close()
      }
      // confirmed: `hand` (called by confirm) writes the package on this stream
    } catch (err) {
      stream.abort(err as Error)
    }
  }

  /** Hands the new device its certificate, the person's groups and settings, waits for it to have kept them, then links it into each group. */
  private async hand({ lp, stream, memberKey, device: arrived }: Waiting): Promise<number> {
    const { groups } = this.components
    const device = fromHex(arrived.device)
    const own = await this.own.ensure(async (id) => this.init.keepPersonGroup?.(id))
    const member = groups.all().filter((log) => log.isMember())
    const certificate = await certifyDevice(groups.key, device, memberKey)
    await lp.write(
      encodePackage({
        person: groups.key.publicKey,
        personMemberKey: memberKeyPair(groups.key).publicKey,
        personGroup: own.id,
        certificate,
        personCertificate: await certifyDevice(groups.key, groups.key.publicKey, memberKeyPair(groups.key).publicKey),
        groups: member.map((log) => ({ id: log.id, secret: log.secret, name: log.view.metadata().name })),
        settings: (await this.init.exportSettings?.()) ?? new Uint8Array(0)
      })
    )
    const done = decodeDone((await lp.read({ signal: AbortSignal.timeout(DONE_TIMEOUT_MS) })).subarray())
    if ('refused' in done) throw new DeviceLinkRefusedError(done.refused)
    await stream.close().catch(() => undefined)
    for (const log of member) await log.linkDevice(device, memberKey, certificate)
    // the person's own group is not one of their chats
    return member.filter((log) => log !== own).length
  }
}

/** What a linked device knows of the person's first device, to bring it into groups. */
function firstDeviceOf(linked: LinkedPerson | undefined): FirstDevice | undefined {
  return linked === undefined ? undefined : { key: linked.person, memberKey: linked.personMemberKey, certificate: linked.personCertificate }
}

/** The device linking service factory, for libp2p's `services`. */
export function deviceLinking(init: DeviceLinkingInit = {}): (components: DeviceLinkingComponents) => DeviceLinking {
  return (components) => new DeviceLinking(components, init)
}
