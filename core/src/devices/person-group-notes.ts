/**
 * Following the person's own group (person-group.ts): each time it gains
 * entries, or entries it held sealed open, its device notes are read and
 * the groups they name taken, its devices' names for themselves kept, and
 * the settings another device changed taken; each time any group's membership changes,
 * the first device brings the person's devices in where one is missing.
 * The person's group is small (a note per group the person is in), so it
 * is read whole, a page at a time.
 */
import { MEMBERSHIP_TYPES } from '../group/membership-operations.ts'
import type { GroupLog } from '../log/group-log.ts'
import type { Groups } from '../peer/groups.ts'
import type { DeviceNoteOperation } from './device-note.ts'
import type { PersonGroup, SettingRegister } from './person-group.ts'
import type { PersonSettingChange } from './person-setting.ts'

const PAGE = 500
const MAX_PAGES = 200

export class PersonGroupNotes {
  private readonly groups: Groups
  private readonly own: PersonGroup
  private scanning: Promise<void> = Promise.resolve()
  private readonly taken: (log: GroupLog) => void
  private readonly selfName: () => string | undefined
  private readonly applySettings: (changes: PersonSettingChange[]) => Promise<void>

  /**
   * `taken` is told of each group a note brought; `selfName` is this device's name for itself, written once the group is
   * readable; `applySettings` takes the person's settings another device changed (person-setting.ts).
   */
  constructor(
    groups: Groups,
    own: PersonGroup,
    taken: (log: GroupLog) => void,
    selfName: () => string | undefined = () => undefined,
    applySettings: (changes: PersonSettingChange[]) => Promise<void> = async () => {}
  ) {
    this.groups = groups
    this.own = own
    this.taken = taken
    this.selfName = selfName
    this.applySettings = applySettings
  }

  /** Follows the groups until `signal` aborts. */
  start(signal: AbortSignal): void {
    const { groups, own } = this
    groups.addEventListener(
      'entries',
      (evt) => {
        if (evt.detail.groupId === own.groupId) this.scan()
        if (evt.detail.entries.some((e) => e.op !== undefined && MEMBERSHIP_TYPES.has(e.op.type))) void own.reconcile()
      },
      { signal }
    )
    const follow = (idHex: string): void => {
      const log = groups.find(idHex)
      if (log === undefined || log.idHex !== own.groupId) return
      log.addEventListener('unsealed', () => this.scan(), { signal })
      this.scan()
    }
    groups.addEventListener('group:opened', (evt) => follow(evt.detail.idHex), { signal })
    if (own.groupId !== undefined) follow(own.groupId)
    void own.reconcile()
  }

  /** Reads the notes again (after those already being read) and takes the groups they name. */
  scan(): Promise<void> {
    this.scanning = this.scanning.then(() => this.scanNow()).catch(() => undefined)
    return this.scanning
  }

  private async scanNow(): Promise<void> {
    const id = this.own.groupId
    const log = id === undefined ? undefined : this.groups.find(id)
    if (log === undefined) return
    const notes: DeviceNoteOperation[] = []
    // each device's latest name for itself: entries come in order
    const names = new Map<string, string>()
    // each setting's latest value: the register every device of the person ends on
    const settings = new Map<string, SettingRegister>()
    let after: Uint8Array | undefined
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const page = await log.readEntries(after === undefined ? { limit: PAGE } : { after, limit: PAGE })
      for (const e of page.entries) {
        if (e.op?.type === 'device-note') notes.push(e.op)
        else if (e.op?.type === 'device-name') names.set(e.authorHex, e.op.name)
        else if (e.op?.type === 'person-setting') settings.set(e.op.setting, { value: e.op.value, author: e.authorHex, entry: e.idHex })
      }
      if (page.next === undefined) break
      after = page.next
    }
    this.own.named(names)
    const changes = this.own.settingsRead(settings)
    if (changes.length > 0) {
      await this.applySettings(changes.map(({ setting, value }) => ({ setting, value })))
      this.own.tookSettings(changes)
    }
    // a device says its name once it is a member of the person's group (nothing is written when it is there already)
    const name = this.selfName()
    if (name !== undefined) await this.own.nameSelf(name)
    for (const log of await this.own.take(notes)) this.taken(log)
  }
}
