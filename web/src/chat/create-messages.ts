/**
 * A group's messages as the chat view shows them: the newest page, older
 * pages on demand, read again when the group's log changes, with the
 * members' display names.
 */
import type { CausettePeer, Message } from '@causette/core'
import { type Accessor, createSignal } from 'solid-js'
import { createPeerSignal } from '../app/peer-signal.ts'

export const PAGE = 50

export interface MessagesView {
  messages: Message[]
  hasOlder: boolean
  names: Map<string, string>
}

export interface Messages {
  view: Accessor<MessagesView>
  loadOlder: () => void
}

export function createMessages(peer: CausettePeer, groupId: string): Messages {
  const [limit, setLimit] = createSignal(PAGE)
  const read = async (): Promise<MessagesView> => {
    if (!peer.hasGroup(groupId)) return { messages: [], hasOlder: false, names: new Map() }
    const log = peer.group(groupId)
    const page = await log.view.messages({ limit: limit() })
    return { messages: page.messages, hasOlder: page.hasOlder, names: log.view.displayNames() }
  }
  const [view, refresh] = createPeerSignal(
    peer,
    read,
    { messages: [], hasOlder: false, names: new Map() },
    { events: ['entries', 'erased'], groupId }
  )
  return {
    view,
    loadOlder: () => {
      setLimit(limit() + PAGE)
      refresh()
    }
  }
}
