/**
 * How each group stands, as `causette groups` and `status` show it: its
 * summary (state, entries, messages, unread and mentions, members online,
 * mute, notification level) and, for status, its sync and member links and
 * the relays' mailboxes. The person's own group of devices is no chat and
 * is left out (docs/devices.md).
 */
import { type GroupLog, type ReadPosition, toHex, unreadOf } from '@causette/core'
import type { GroupStatusView, GroupSummary, SyncState } from '../api/api-types.ts'
import type { DaemonParts } from './daemon.ts'
import type { KnownGroup } from './group-directory.ts'
import { linkViews } from './link-views.ts'

export class GroupSummaries {
  private readonly parts: Pick<DaemonParts, 'peer' | 'preferences' | 'directory' | 'authors'>

  constructor(parts: Pick<DaemonParts, 'peer' | 'preferences' | 'directory' | 'authors'>) {
    this.parts = parts
  }

  /** The groups people chat in: all but the person's own group of devices, which only carries notes between them. */
  chats(): KnownGroup[] {
    const own = this.parts.peer.devices.personGroupId
    return this.parts.directory.list().filter((g) => g.idHex !== own)
  }

  async summary(known: KnownGroup): Promise<GroupSummary> {
    const { peer, preferences } = this.parts
    const log = known.log
    const unread = log === undefined ? { unread: 0, mentions: 0 } : await unreadOf(log, toHex(peer.key.publicKey), this.readPosition(known.idHex))
    const muted = preferences.mute(known.idHex)
    return {
      ...known.ref,
      state: log === undefined ? 'loading' : 'open',
      entries: log?.size ?? 0,
      unread: unread.unread,
      unreadMentions: unread.mentions,
      // a group still opening shows its count once open
      messages: log === undefined ? 0 : await log.view.countMessages(),
      connectedMembers: log === undefined ? 0 : peer.status(known.idHex).connectedMembers.length,
      addedAt: known.record.addedAt,
      ...(muted === undefined ? {} : { muted }),
      notify: preferences.notifyLevel(known.idHex)
    }
  }

  /** How far this device read the group without telling it (receipts off); kept after turning them on again, until a marker passes it. */
  readPosition(groupId: string): ReadPosition {
    const readUpTo = this.parts.preferences.readPosition(groupId)
    return readUpTo === undefined ? {} : { readUpTo }
  }

  async status(known: KnownGroup): Promise<GroupStatusView> {
    const summary = await this.summary(known)
    if (known.log === undefined) {
      return {
        ...summary,
        sync: 'loading',
        pending: 0,
        syncing: false,
        upToDateWith: 0,
        members: [],
        otherMembers: 0,
        online: 0,
        links: [],
        mailboxes: []
      }
    }
    const status = this.parts.peer.status(known.idHex)
    const links = linkViews(status.links, this.parts.authors.of(known.log))
    return {
      ...summary,
      sync: syncState(known.log, status),
      pending: status.pending,
      syncing: status.syncing,
      upToDateWith: status.upToDateWith,
      ...(status.lastSync === undefined ? {} : { lastSync: status.lastSync }),
      members: status.connectedMembers,
      otherMembers: links.length,
      online: links.filter((l) => l.connected).length,
      links,
      mailboxes: this.parts.peer.mailboxes?.status(known.idHex) ?? []
    }
  }
}

function syncState(log: GroupLog, status: { connectedMembers: string[]; syncing: boolean; upToDateWith: number }): SyncState {
  if (log.size === 0) return status.syncing ? 'syncing' : 'waiting for history'
  if (status.syncing) return 'syncing'
  if (status.connectedMembers.length === 0) return 'no members online'
  return status.upToDateWith >= status.connectedMembers.length ? 'up to date' : 'sync pending'
}
