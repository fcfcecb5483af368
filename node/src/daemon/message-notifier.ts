/**
 * Follows the daemon's `message` events and notifies the desktop of those
 * the person wants to hear about (notification-rules.ts), bursts grouped
 * into one (notification-bursts.ts), through a DesktopNotifier
 * (desktop-notifications.ts). Says once whether desktop notifications are
 * available, as a `notifications` event.
 */
import { notificationReason } from '@causette/core'
import type { DaemonEvent } from '../api/api-types.ts'
import type { DaemonParts } from './daemon.ts'
import type { DesktopNotifier } from './desktop-notifications.ts'
import { NotificationBursts } from './notification-bursts.ts'

export type NotifierComponents = Pick<DaemonParts, 'directory' | 'preferences' | 'blockList' | 'authors' | 'emit'> & { desktop: DesktopNotifier }

const HEADLINE = {
  mention: (sender: string, group: string) => `${sender} mentioned you in ${group}`,
  reply: (sender: string, group: string) => `${sender} replied to you in ${group}`,
  message: (sender: string, group: string) => `${sender} in ${group}`
}

export class MessageNotifier {
  private readonly parts: NotifierComponents
  private readonly bursts: NotificationBursts
  /** Whether the desktop shows notifications: unknown (undefined) until announce() asked it; none are considered once it says no. */
  private available: boolean | undefined

  constructor(parts: NotifierComponents) {
    this.parts = parts
    this.bursts = new NotificationBursts((n) => parts.desktop.show(n))
  }

  /** Finds out whether the desktop shows notifications and says so (a `notifications` event); never fails. */
  async announce(): Promise<void> {
    const { available, reason } = await this.parts.desktop.availability()
    this.available = available
    this.parts.emit({ type: 'notifications', available, reason })
  }

  /** Whether it takes message events: unless the desktop said it shows no notifications. */
  get wantsMessages(): boolean {
    return this.available !== false
  }

  event(e: DaemonEvent): void {
    // a desktop that shows none (no session bus, or --no-notifications): nothing to work out for each message
    if (e.type !== 'message' || !e.isNew || e.message.author === this.parts.authors.self || this.available === false) return
    void this.consider(e).catch(() => undefined)
  }

  stop(): void {
    this.bursts.clear()
    this.parts.desktop.close()
  }

  private async consider(e: Extract<DaemonEvent, { type: 'message' }>): Promise<void> {
    const { directory, preferences, blockList, authors } = this.parts
    const known = directory.get(e.groupId)
    if (known === undefined) return
    const replyTo = e.message.replyTo
    const repliedTo = replyTo === undefined ? undefined : await known.log?.view.message(replyTo)
    const reason = notificationReason(
      { message: e.message, source: e.source, isNew: e.isNew, ...(repliedTo === undefined ? {} : { repliesTo: repliedTo.author }) },
      {
        own: known.log?.ownKeys() ?? new Set([authors.self]),
        muted: preferences.mute(e.groupId) !== undefined,
        level: preferences.notifyLevel(e.groupId),
        blocked: (key) => blockList.has(key),
        now: Date.now()
      }
    )
    if (reason === undefined) return
    const sender = e.author.name ?? e.author.fingerprint.slice(0, 11)
    const group = known.name === '' ? 'a group' : known.name
    this.bursts.add({ groupId: e.groupId, groupName: group, sender, alone: { summary: HEADLINE[reason](sender, group), body: e.message.text } })
  }
}
