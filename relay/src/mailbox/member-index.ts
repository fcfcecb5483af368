/**
 * Which devices are members (or admins) of the groups the mailbox keeps, in
 * memory: what the relay asks when it sets up a relayed connection, to let
 * two members of one kept group talk through it without the protocol's
 * limits (relay-node.ts). Built from the mailbox file at start, kept in
 * step with each keep request.
 */
import type { MailboxRecord } from './mailbox-store.ts'

export class MemberIndex {
  /** Device key (hex) → the mailboxes it is served by. */
  private readonly byDevice = new Map<string, Set<number>>()
  /** Mailbox → its devices, to take them out when an admin changes the list. */
  private readonly byMailbox = new Map<number, string[]>()

  set(record: MailboxRecord): void {
    for (const device of this.byMailbox.get(record.id) ?? []) this.byDevice.get(device)?.delete(record.id)
    const devices = [...new Set([...record.members, ...record.admins].map((k) => Buffer.from(k).toString('hex')))]
    this.byMailbox.set(record.id, devices)
    for (const device of devices) {
      let mailboxes = this.byDevice.get(device)
      if (mailboxes === undefined) {
        mailboxes = new Set()
        this.byDevice.set(device, mailboxes)
      }
      mailboxes.add(record.id)
    }
  }

  /** Whether the device is served any group. */
  has(device: Uint8Array): boolean {
    return (this.byDevice.get(Buffer.from(device).toString('hex'))?.size ?? 0) > 0
  }

  /** Whether the mailbox serves the device (one of the members and admins it was told of). */
  serves(mailbox: number, device: Uint8Array): boolean {
    return this.byDevice.get(Buffer.from(device).toString('hex'))?.has(mailbox) === true
  }

  /** Whether the two devices are both served one group. */
  shareGroup(a: Uint8Array, b: Uint8Array): boolean {
    const ofA = this.byDevice.get(Buffer.from(a).toString('hex'))
    const ofB = this.byDevice.get(Buffer.from(b).toString('hex'))
    if (ofA === undefined || ofB === undefined) return false
    for (const id of ofA) if (ofB.has(id)) return true
    return false
  }
}
