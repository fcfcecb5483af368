/**
 * The browser's notifications of mentions and replies (the Notification
 * API), by core's notification rules: live or fresh messages others wrote
 * that mention the person or answer them, in groups not muted, by members
 * not blocked — and not for the group open on screen while the person looks
 * at it. One notification per group at a time (its tag): a newer one takes
 * the place of the one before. Asking the browser's permission happens in
 * the settings, from the person's click.
 */
import { type CausettePeer, type GroupLog, notificationReason } from '@causette/core'
import { authorName } from '../chat/author-name.ts'
import type { TabPreferences } from '../settings/tab-preferences.ts'

export class TabNotifications {
  private readonly peer: CausettePeer
  private readonly preferences: TabPreferences
  private openGroup: string | undefined

  constructor(peer: CausettePeer, preferences: TabPreferences) {
    this.peer = peer
    this.preferences = preferences
    peer.addEventListener('entries', (evt) => {
      const { groupId, entries, source } = evt.detail
      if (!this.wanted() || !peer.hasGroup(groupId)) return
      const log = peer.group(groupId)
      for (const entry of entries) {
        if (entry.op?.type === 'message') void this.consider(log, entry.idHex, source).catch(() => undefined)
      }
    })
  }

  /** The group on screen now, if any: its messages are being read, not notified. */
  showing(groupId: string | undefined): void {
    this.openGroup = groupId
  }

  private wanted(): boolean {
    return this.preferences.notifies && typeof Notification !== 'undefined' && Notification.permission === 'granted'
  }

  private async consider(log: GroupLog, messageId: string, source: string): Promise<void> {
    const message = await log.view.message(messageId)
    if (message === undefined) return
    const repliedTo = message.replyTo === undefined ? undefined : await log.view.message(message.replyTo)
    const blocked = new Set(this.peer.blocked())
    const reason = notificationReason(
      { message, source, isNew: true, ...(repliedTo === undefined ? {} : { repliesTo: repliedTo.author }) },
      {
        own: log.ownKeys(),
        muted: this.preferences.mutedUntil(log.idHex) !== undefined,
        level: 'mentions',
        blocked: (k) => blocked.has(k),
        now: Date.now()
      }
    )
    if (reason === undefined) return
    const looking = this.openGroup === log.idHex && document.visibilityState === 'visible' && document.hasFocus()
    if (looking) return
    const sender = authorName(log.view.displayNames(), message.author)
    const group = log.view.metadata().name || 'a group'
    const title = reason === 'mention' ? `${sender} mentioned you in ${group}` : `${sender} replied to you in ${group}`
    new Notification(title, { body: message.text, tag: log.idHex })
  }
}
