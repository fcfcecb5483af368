/**
 * Whom to sync with after a sync of a group ended. Entries that came by sync
 * were not gossiped, so a sync that added some is passed on to the other
 * connected members; a sync that added nothing ends the cascade. Entries
 * still waiting for missing parents send the peer to the other members too,
 * but once per set of missing ids: parents nobody has (a flooder's dropped
 * chain, a forged parent id) must not keep every member syncing forever.
 */
import { toHex } from '../codec/hex.ts'
import type { GroupLog } from '../log/group-log.ts'

export class SyncCascade {
  /** Per group, the missing ids the members were last asked about. */
  private readonly asked = new Map<string, string>()

  /** The members to sync with next, after a sync with `peer` added `added` entries. */
  next(group: GroupLog, peer: string, added: number, connected: readonly string[]): string[] {
    let ask = added > 0
    if (group.pendingCount > 0) {
      const missing = group
        .missing()
        .map((id) => toHex(id))
        .sort()
        .join()
      if (this.asked.get(group.idHex) !== missing) {
        this.asked.set(group.idHex, missing)
        ask = true
      }
    } else {
      this.asked.delete(group.idHex)
    }
    return ask ? connected.filter((other) => other !== peer) : []
  }
}
