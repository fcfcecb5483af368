/**
 * The groups service: the groups this device is in, as open GroupLogs over
 * the store — opening, creating, joining and closing them, what every log
 * shares (the device key, the store, signatures, the body cipher, the
 * clock), the members this device blocks, and new epochs when a group needs
 * one. The peer's other services (sync, gossip, member links) find groups
 * here and follow its events.
 *
 * ```ts
 * const node = await createLibp2p({ privateKey: key.privateKey, ..., services: { groups: groups({ store }) } })
 * const log = await node.services.groups.create('Climbing')
 * ```
 */
import { type PrivateKey, type Startable, serviceCapabilities } from '@libp2p/interface'
import { TypedEventEmitter } from 'main-event'
import type { Sha256 } from '../codec/entry-codec.ts'
import { fromHex, toHex } from '../codec/hex.ts'
import type { XChaChaAead } from '../crypto/body-cipher.ts'
import type { X25519 } from '../crypto/x25519.ts'
import { InvalidKeyError, UnknownGroupError } from '../errors.ts'
import type { PersonClaim } from '../group/membership-operations.ts'
import { devicesOf, personNamed } from '../group/person-devices.ts'
import type { DeviceKey } from '../identity/device-key.ts'
import type { Signatures } from '../identity/signatures.ts'
import { GroupLog } from '../log/group-log.ts'
import type { LoadOptions } from '../log/store-loading.ts'
import type { Store } from '../store/store.ts'
import { BlockList } from './block-list.ts'
import { ExpiryScheduler } from './expiry-scheduler.ts'
import { GroupRegistry } from './group-registry.ts'
import { type LogParts, logParts } from './log-parts.ts'
import type { LogEvents } from './peer-events.ts'
import { RekeyScheduler } from './rekey-scheduler.ts'

export interface GroupsInit {
  store: Store
  signatures?: Signatures
  /** The body cipher every log seals and opens with (GroupLogInit.aead); noble's by default. */
  aead?: XChaChaAead
  /** The X25519 every log grants and opens epoch keys with (GroupLogInit.x25519); noble's by default. */
  x25519?: X25519
  /** The hash of entry ids every log computes with (GroupLogInit.sha256); noble's by default. */
  sha256?: Sha256
  now?: () => number
  /** The members this device blocks; create-libp2p.ts shares it with the connection gater. */
  blocks?: BlockList
  /** Whose device this is, once linked to a person (devices/device-linking.ts); a device alone is its own person. */
  person?: PersonClaim
}

export interface GroupsComponents {
  /** The node's identity is the device key: it signs what this device writes. */
  privateKey: PrivateKey
}

/** Entries this device wrote, encoded, in the order written: what live delivery publishes. */
export interface WrittenEvent {
  log: GroupLog
  encodings: Uint8Array[]
}

export interface GroupsEvents extends LogEvents {
  'group:opened': CustomEvent<GroupLog>
  'group:closed': CustomEvent<GroupLog>
  /** Dispatched before the `entries` event of the same write, so what is published goes out as written. */
  'group:wrote': CustomEvent<WrittenEvent>
}

export class Groups extends TypedEventEmitter<GroupsEvents> implements Startable {
  readonly [Symbol.toStringTag] = '@causette/groups'
  readonly [serviceCapabilities] = ['@causette/groups']
  readonly key: DeviceKey
  readonly blocks: BlockList
  readonly now: () => number
  private readonly store: Store
  private readonly logParts: LogParts
  private readonly registry = new GroupRegistry()
  private readonly rekeys = new RekeyScheduler()
  private readonly expiry: ExpiryScheduler
  private started = false
  private personClaim: PersonClaim
  /** The keys this device's person chose to block, before they are widened to each person's devices. */
  private chosenBlocks: string[] = []

  constructor(components: GroupsComponents, init: GroupsInit) {
    super()
    this.key = deviceKeyOf(components.privateKey)
    this.store = init.store
    this.now = init.now ?? Date.now
    this.expiry = new ExpiryScheduler(this.now)
    this.blocks = init.blocks ?? new BlockList()
    this.logParts = logParts({ ...init, key: this.key })
    this.personClaim = init.person ?? {}
  }

  /** This device's person claim: the person key and its certificate, or nothing for a device that is its own person. */
  get person(): PersonClaim {
    return this.personClaim
  }

  /** The person this device is (hex of the person key): its own key unless linked. */
  personKey(): string {
    return toHex(this.personClaim.person ?? this.key.publicKey)
  }

  /** Makes this device a device of a person: the groups it creates or joins from now on say so. */
  setPerson(claim: PersonClaim): void {
    this.personClaim = claim
  }

  start(): void {
    this.started = true
  }

  stop(): void {
    this.started = false
    this.rekeys.stop()
    this.expiry.stop()
  }

  all(): GroupLog[] {
    return this.registry.all()
  }

  find(groupId: string): GroupLog | undefined {
    return this.registry.find(groupId)
  }

  /** The group, or UnknownGroupError saying how to get into one. */
  get(groupId: string): GroupLog {
    return this.registry.get(groupId)
  }

  byTopicName(topic: string): GroupLog | undefined {
    return this.registry.byTopicName(topic)
  }

  bySyncTag(tag: Uint8Array): GroupLog | undefined {
    return this.registry.bySyncTag(tag)
  }

  /**
   * Opens a group the store holds: the one way a group is opened.
   * `onProgress` reports entries loaded of the total; `signal` stops the
   * loading (between two pages).
   */
  async open(groupId: Uint8Array, options: LoadOptions = {}): Promise<GroupLog> {
    const existing = this.registry.find(toHex(groupId))
    if (existing !== undefined) return existing
    const record = await this.store.getGroup(groupId)
    if (record === undefined) throw new UnknownGroupError(`the store holds no group ${toHex(groupId).slice(0, 8)}`)
    return this.adopt(await GroupLog.open({ groupId: record.id, secret: record.secret, ...this.logParts, person: this.personClaim, ...options }))
  }

  async create(name: string): Promise<GroupLog> {
    return this.adopt(await GroupLog.create({ name, ...this.logParts, person: this.personClaim }))
  }

  /** Joins a group from its id and secret (what an invite carries); its entries arrive by sync. */
  async join(groupId: Uint8Array, secret: Uint8Array, name = ''): Promise<GroupLog> {
    const existing = this.registry.find(toHex(groupId))
    if (existing !== undefined) return existing
    // the record first: a restart finds the group even before its first entry arrives
    await this.store.putGroup({ id: groupId, secret, name, addedAt: this.now() })
    return this.adopt(await GroupLog.open({ groupId, secret, ...this.logParts, person: this.personClaim }))
  }

  /** Takes a group offline on this device; with `forget`, its record and entries are deleted from the store too. */
  async close(groupId: string, options: { forget?: boolean } = {}): Promise<void> {
    const group = this.registry.find(groupId)
    if (group !== undefined) {
      this.registry.remove(group)
      this.expiry.forget(group)
      this.safeDispatchEvent('group:closed', { detail: group })
    }
    if (options.forget === true) await this.store.deleteGroup(group?.id ?? fromHex(groupId))
  }

  /**
   * Hides these people's messages in every group (their connections are the
   * gater's and the peer's business). A key names a person by any device of
   * theirs: every device of that person in any open group is blocked, and
   * one linked later is as soon as this device learns of it.
   */
  setBlocked(keys: Iterable<string>): void {
    this.chosenBlocks = [...keys]
    this.applyBlocks()
  }

  private applyBlocks(): void {
    const devices = new Set(this.chosenBlocks)
    for (const group of this.registry.all()) {
      const members = group.membership()?.members
      if (members === undefined) continue
      for (const key of this.chosenBlocks) {
        const person = personNamed(members, key)
        if (person !== undefined) for (const device of devicesOf(members, person)) devices.add(device)
      }
    }
    const current = this.blocks.current
    if (devices.size === current.size && [...devices].every((d) => current.has(d))) return
    this.blocks.set(devices)
    for (const group of this.registry.all()) group.setBlocked(this.blocks.current)
  }

  /** Registers a group and tells the other services. */
  private adopt(log: GroupLog): GroupLog {
    this.registry.add(log)
    log.addEventListener('entries', (evt) => {
      const { encodings, ...detail } = evt.detail
      // what this device writes — a message, and the rekey append may make before it — goes out first, in order
      if (encodings !== undefined && encodings.length > 0) this.safeDispatchEvent('group:wrote', { detail: { log, encodings } })
      this.safeDispatchEvent('entries', { detail: { groupId: log.idHex, ...detail } })
    })
    log.addEventListener('equivocation', (evt) =>
      this.safeDispatchEvent('equivocation', { detail: { groupId: log.idHex, equivocation: evt.detail } })
    )
    log.addEventListener('membership', () => {
      if (this.chosenBlocks.length > 0) this.applyBlocks()
      if (this.started) this.rekeys.consider(log)
    })
    log.addEventListener('erased', (evt) => this.safeDispatchEvent('erased', { detail: { groupId: log.idHex, ...evt.detail } }))
    this.expiry.watch(log)
    log.setBlocked(this.blocks.current)
    if (this.chosenBlocks.length > 0) this.applyBlocks()
    this.safeDispatchEvent('group:opened', { detail: log })
    return log
  }
}

/** The groups service factory, for libp2p's `services`. */
export function groups(init: GroupsInit): (components: GroupsComponents) => Groups {
  return (components) => new Groups(components, init)
}

function deviceKeyOf(privateKey: PrivateKey): DeviceKey {
  if (privateKey.type !== 'Ed25519') throw new InvalidKeyError('a Causette peer needs an Ed25519 node key: it is the device key')
  return { publicKey: privateKey.publicKey.raw, privateKey }
}
