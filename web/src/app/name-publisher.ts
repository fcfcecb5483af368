/**
 * Keeps the person's display name written in every group this tab is a
 * member of: a `profile` operation wherever the group's log shows another
 * name or none (after a join, once the join is accepted), once per group
 * at a time.
 */
import type { CausettePeer, GroupLog } from '@causette/core'

export class NamePublisher {
  private readonly peer: CausettePeer
  private readonly me: string
  private name: string | undefined
  private readonly running = new Set<string>()

  constructor(peer: CausettePeer, me: string) {
    this.peer = peer
    this.me = me
    peer.addEventListener('entries', (evt) => {
      if (this.peer.hasGroup(evt.detail.groupId)) this.consider(this.peer.group(evt.detail.groupId))
    })
  }

  set(name: string): void {
    this.name = name
    for (const log of this.peer.groups()) this.consider(log)
  }

  consider(log: GroupLog): void {
    const name = this.name
    if (name === undefined || this.running.has(log.idHex) || !log.canWrite()) return
    if (log.view.displayNames().get(this.me) === name) return
    this.running.add(log.idHex)
    log
      .append({ type: 'profile', displayName: name })
      .catch((err: Error) => console.warn(`causette: could not write the display name in ${log.idHex}: ${err.message}`))
      .finally(() => this.running.delete(log.idHex))
  }
}
