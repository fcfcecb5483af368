/** The group list as the UI shows it: name, unread counts, last message; current with every change. */
import { type CausettePeer, type GroupLog, unreadOf } from '@causette/core'
import { type Accessor, createEffect, on } from 'solid-js'
import { createPeerSignal } from '../app/peer-signal.ts'
import { filesSummary } from '../files/file-kinds.ts'
import type { TabPreferences } from '../settings/tab-preferences.ts'

export interface GroupItem {
  id: string
  name: string
  unread: number
  mentions: number
  /** Still joining: this device's join has not been accepted yet. */
  joining: boolean
  /** Muted on this device: it notifies nothing and leaves the tab's title count, but still counts unread. */
  muted: boolean
  last?: { author: string; text: string; time: number; deleted: boolean }
}

async function itemOf(log: GroupLog, me: string, preferences: TabPreferences): Promise<GroupItem> {
  const [newest] = (await log.view.messages({ limit: 1 })).messages
  const { unread, mentions } = await unreadOf(log, me, preferences.readPosition(log.idHex))
  const names = log.view.displayNames()
  const item: GroupItem = {
    id: log.idHex,
    name: log.view.metadata().name || 'Unnamed group',
    unread,
    mentions,
    joining: !log.isMember(),
    muted: preferences.mutedUntil(log.idHex) !== undefined
  }
  if (newest !== undefined)
    item.last = {
      author: names.get(newest.author) ?? 'Someone',
      // a message of files alone says what they are
      text: newest.text === '' && newest.files !== undefined ? filesSummary(newest.files) : newest.text,
      time: newest.time,
      deleted: newest.deleted
    }
  return item
}

export function createGroups(peer: CausettePeer, me: string, preferences: TabPreferences): [Accessor<GroupItem[]>, () => void] {
  // the person's own group of devices carries notes between them, not a chat (docs/devices.md)
  const chats = () => peer.groups().filter((log) => log.idHex !== peer.devices.personGroupId)
  const [groups, refresh] = createPeerSignal(peer, () => Promise.all(chats().map((log) => itemOf(log, me, preferences))), [], {
    events: ['entries', 'erased'],
    everyMs: 5000
  })
  // a mute, or reading with receipts off, changes what the list shows though no entry arrives
  createEffect(on(preferences.changed, refresh, { defer: true }))
  return [groups, refresh]
}
