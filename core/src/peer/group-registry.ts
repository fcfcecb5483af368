/** The groups a peer is in, found by id, by gossipsub topic, or by the tag a sync hello names them with. */
import { toHex } from '../codec/hex.ts'
import { UnknownGroupError } from '../errors.ts'
import type { GroupLog } from '../log/group-log.ts'
import { syncTag } from '../sync/membership-proof.ts'

export class GroupRegistry {
  private readonly byId = new Map<string, GroupLog>()
  private readonly byTopic = new Map<string, GroupLog>()
  private readonly byTag = new Map<string, GroupLog>()

  add(log: GroupLog): void {
    this.byId.set(log.idHex, log)
    this.byTopic.set(log.topic, log)
    this.byTag.set(toHex(syncTag(log.syncKey)), log)
  }

  remove(log: GroupLog): void {
    this.byId.delete(log.idHex)
    this.byTopic.delete(log.topic)
    this.byTag.delete(toHex(syncTag(log.syncKey)))
  }

  all(): GroupLog[] {
    return [...this.byId.values()]
  }

  find(groupId: string): GroupLog | undefined {
    return this.byId.get(groupId)
  }

  /** The group, or UnknownGroupError saying how to get into one. */
  get(groupId: string): GroupLog {
    const group = this.byId.get(groupId)
    if (group === undefined)
      throw new UnknownGroupError(`this device is not in group ${groupId.slice(0, 8)}; see your groups, or join with an invite`)
    return group
  }

  byTopicName(topic: string): GroupLog | undefined {
    return this.byTopic.get(topic)
  }

  bySyncTag(tag: Uint8Array): GroupLog | undefined {
    return this.byTag.get(toHex(tag))
  }
}
