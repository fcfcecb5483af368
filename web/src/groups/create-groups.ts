/** The group list as the UI shows it: name, unread counts, last message; current with every change. */
import { type CausettePeer, type GroupLog, unreadOf } from '@causette/core'
import type { Accessor } from 'solid-js'
import { createPeerSignal } from '../app/peer-signal.ts'

export interface GroupItem {
  id: string
  name: string
  unread: number
  mentions: number
  /** Still joining: this device's join has not been accepted yet. */
  joining: boolean
  last?: { author: string; text: string; time: number; deleted: boolean }
}

async function itemOf(log: GroupLog, me: string): Promise<GroupItem> {
  const [newest] = (await log.view.messages({ limit: 1 })).messages
  const { unread, mentions } = await unreadOf(log, me)
  const names = log.view.displayNames()
  const item: GroupItem = { id: log.idHex, name: log.view.metadata().name || 'Unnamed group', unread, mentions, joining: !log.isMember() }
  if (newest !== undefined)
    item.last = { author: names.get(newest.author) ?? 'Someone', text: newest.text, time: newest.time, deleted: newest.deleted }
  return item
}

export function createGroups(peer: CausettePeer, me: string): [Accessor<GroupItem[]>, () => void] {
  return createPeerSignal(peer, () => Promise.all(peer.groups().map((log) => itemOf(log, me))), [], { events: ['entries', 'erased'], everyMs: 5000 })
}
