/**
 * The person's own group: a Causette group whose members are only the
 * person's devices, made by the first device when it links its first other
 * device. Its entries are device notes (device-note.ts): "this person is in
 * group G", with G's id, secret and name. So a group one device creates or
 * joins after linking reaches the others:
 *
 * - the device that is in G notes it in the person's group; a linked device
 *   also brings the person's first device into G (it holds the first
 *   device's certificate, handed over when it was linked);
 * - every device reading a note takes G (its record; its entries by sync);
 * - the first device, which alone certifies devices, brings every other
 *   device of the person into each group it is in where one is missing
 *   (`reconcile`), as it did when it linked them.
 *
 * Revoking a device on the first device then reaches every group of the
 * person (own-devices.ts), the person's group included.
 */
import { fromHex, toHex } from '../codec/hex.ts'
import { devicesOf } from '../group/person-devices.ts'
import { certifyDevice } from '../identity/device-certificate.ts'
import type { GroupLog } from '../log/group-log.ts'
import type { Groups } from '../peer/groups.ts'
import type { DeviceNoteOperation } from './device-note.ts'
import type { PersonSettingChange } from './person-setting.ts'

/** A setting's latest value in the person's group, who wrote it and in which entry. */
export interface SettingRegister {
  value: string
  author: string
  entry: string
}

/** What the person's group is called in a store (runtimes hide it from the group lists). */
export const PERSON_GROUP_NAME = 'Your devices'

/** What a linked device was given about the person's first device: enough to bring it into a group. */
export interface FirstDevice {
  key: Uint8Array
  memberKey: Uint8Array
  certificate: Uint8Array
}

export class PersonGroup {
  private readonly groups: Groups
  private id: string | undefined
  private readonly first: () => FirstDevice | undefined
  private reconciling: Promise<void> = Promise.resolve()
  /** Groups (hex ids) the person's group already notes: a join of a group the person is in already writes no second note. */
  private readonly noted = new Set<string>()
  /** Each device's latest name for itself in the person's group (device-name.ts), by device key (hex). */
  private names = new Map<string, string>()
  /** The person's settings as the person's group last read (person-setting.ts), by setting. */
  private settings = new Map<string, SettingRegister>()
  /** The entry of each setting this device took from another device, so that it is taken once. */
  private readonly taken = new Map<string, string>()

  constructor(groups: Groups, id: string | undefined, first: () => FirstDevice | undefined) {
    this.groups = groups
    this.id = id
    this.first = first
  }

  get groupId(): string | undefined {
    return this.id
  }

  /** The person's group, made now on the first device if there is none yet; `keep` records its id durably. */
  async ensure(keep: (id: string) => Promise<void>): Promise<GroupLog> {
    const held = this.id === undefined ? undefined : this.groups.find(this.id)
    if (held !== undefined) return held
    const log = await this.groups.create(PERSON_GROUP_NAME)
    await keep(log.idHex)
    this.id = log.idHex
    return log
  }

  /** Becomes a device of a person whose group is `id` (a linked device, told by the package). */
  adopt(id: string): void {
    this.id = id
  }

  /** The devices' names as the person's group last read (person-group-notes.ts). */
  named(names: Map<string, string>): void {
    this.names = names
  }

  /** A device's name for itself, as written in the person's group. */
  nameOf(device: string): string | undefined {
    return this.names.get(device)
  }

  /** The settings as the person's group reads now: returns those another device changed since this device last took them. */
  settingsRead(settings: Map<string, SettingRegister>): Array<PersonSettingChange & { entry: string }> {
    this.settings = settings
    const me = toHex(this.groups.key.publicKey)
    const changes: Array<PersonSettingChange & { entry: string }> = []
    for (const [setting, latest] of settings) {
      if (latest.author !== me && this.taken.get(setting) !== latest.entry) changes.push({ setting, value: latest.value, entry: latest.entry })
    }
    return changes
  }

  /** This device took these settings: they are not taken again until another device changes them again. */
  tookSettings(changes: ReadonlyArray<{ setting: string; entry: string }>): void {
    for (const c of changes) this.taken.set(c.setting, c.entry)
  }

  /** Writes a setting this device changed in the person's group, for their other devices; nothing when it says so already or there is no such group yet. */
  async writeSetting(setting: string, value: string): Promise<void> {
    const own = this.log()
    if (own === undefined || !own.isMember() || this.settings.get(setting)?.value === value) return
    const entry = await own.append({ type: 'person-setting', setting, value })
    this.settings.set(setting, { value, author: toHex(this.groups.key.publicKey), entry: entry.idHex })
  }

  /** Writes this device's name for itself in the person's group, unless it is there already or there is no such group yet. */
  async nameSelf(name: string): Promise<void> {
    const own = this.log()
    const me = toHex(this.groups.key.publicKey)
    const trimmed = name.trim()
    if (own === undefined || !own.isMember() || trimmed === '' || this.names.get(me) === trimmed) return
    await own.append({ type: 'device-name', name: trimmed })
    this.names.set(me, trimmed)
  }

  /** This device is in `log` now (it created or joined it): the other devices are told, and the first device is brought in. */
  async announce(log: GroupLog): Promise<void> {
    const own = this.log()
    if (own === undefined || log.idHex === own.idHex || !own.isMember()) return
    const first = this.first()
    if (first !== undefined && log.membership()?.members.has(toHex(first.key)) !== true) {
      // a first device the group refuses (removed from it before) stays out; the join itself stands
      await log.linkDevice(first.key, first.memberKey, first.certificate).catch(() => undefined)
    }
    if (this.noted.has(log.idHex)) return
    const note: DeviceNoteOperation = { type: 'device-note', group: log.id, secret: log.secret, name: log.view.metadata().name }
    await own.append(note)
    this.noted.add(log.idHex)
  }

  /** Takes the groups the person's group notes that this device does not hold yet. Resolves with those taken. */
  async take(notes: readonly DeviceNoteOperation[]): Promise<GroupLog[]> {
    const taken: GroupLog[] = []
    for (const note of notes) {
      this.noted.add(toHex(note.group))
      if (this.groups.find(toHex(note.group)) !== undefined) continue
      taken.push(await this.groups.join(note.group, note.secret, note.name))
    }
    return taken
  }

  /**
   * On the first device: every device of the person (the person's group's
   * members) becomes a member of each group this device is in, where one is
   * missing. A device revoked there, or one a group refuses, is passed over.
   */
  reconcile(): Promise<void> {
    this.reconciling = this.reconciling.then(() => this.reconcileNow()).catch(() => undefined)
    return this.reconciling
  }

  private async reconcileNow(): Promise<void> {
    const own = this.log()
    const me = toHex(this.groups.key.publicKey)
    const state = own?.membership()
    if (own === undefined || state === undefined || this.groups.personKey() !== me) return
    const devices = devicesOf(state.members, me).filter((d) => d !== me)
    for (const log of this.groups.all()) {
      const members = log.membership()?.members
      if (log === own || members === undefined || !log.isMember()) continue
      for (const device of devices) {
        if (members.has(device) || log.membership()?.departed.get(device)?.reason === 'removed') continue
        const memberKey = (state.members.get(device) as { memberKey: Uint8Array }).memberKey
        const certificate = await certifyDevice(this.groups.key, fromHex(device), memberKey)
        await log.linkDevice(fromHex(device), memberKey, certificate).catch(() => undefined)
      }
    }
  }

  private log(): GroupLog | undefined {
    return this.id === undefined ? undefined : this.groups.find(this.id)
  }
}
