/**
 * Keeps this device's display name (a local setting: `start --name`,
 * `causette profile`) written in every group it is in: a `profile`
 * operation wherever the log shows another name or none, as soon as this
 * device is a member there. A group this device has not joined yet (its
 * join or the group's history has not arrived) gets the name at its log's
 * next membership change, so a name set before joining, or while offline,
 * arrives everywhere.
 */
import type { CausettePeer, GroupLog } from '@causette/core'
import type { DaemonEvent } from '../api/api-types.ts'

export type PublishOutcome = 'published' | 'current' | 'pending' | 'unnamed'

export interface DisplayNamePublisherInit {
  peer: CausettePeer
  /** This device's key, hex. */
  self: string
  name: () => string | undefined
  emit: (event: DaemonEvent) => void
}

export class DisplayNamePublisher {
  private readonly init: DisplayNamePublisherInit
  /** The latest check per group: checks of one group run one after another, so a name is never written twice. */
  private readonly running = new Map<string, Promise<PublishOutcome>>()

  constructor(init: DisplayNamePublisherInit) {
    this.init = init
  }

  /** Writes the name into the group if its log shows another; says what it did. */
  consider(log: GroupLog): Promise<PublishOutcome> {
    const previous = this.running.get(log.idHex) ?? Promise.resolve('current')
    const next = previous.then(
      () => this.publish(log),
      () => this.publish(log)
    )
    this.running.set(log.idHex, next)
    void next.finally(() => {
      if (this.running.get(log.idHex) === next) this.running.delete(log.idHex)
    })
    return next
  }

  private async publish(log: GroupLog): Promise<PublishOutcome> {
    const name = this.init.name()
    if (name === undefined) return 'unnamed'
    if (log.view.displayNames().get(this.init.self) === name) return 'current'
    // not a member (yet, or any more): the next membership change tells. A member whose key has not
    // arrived yet still writes: append makes a key for the members first (docs/keys-and-invites.md)
    if (!log.isMember()) return 'pending'
    try {
      await this.init.peer.setDisplayName(log.idHex, name)
    } catch {
      // lost a race with a removal or a rekey: the membership change that caused it brings another try
      return 'pending'
    }
    this.init.emit({ type: 'profile:published', groupId: log.idHex, name })
    return 'published'
  }
}
