/**
 * A group's pinned messages, read from its store: the latest pin row of
 * each message (Store.pinRows) says which are pinned and in what order, the
 * latest pinned first; each is then read and rendered as any message is,
 * and left out when it is not held, is hidden from the reader, or was
 * deleted. All of them in one read.
 */

import { fromHex } from '../codec/hex.ts'
import type { Store } from '../store/store.ts'
import type { Message } from './message-types.ts'
import { latestPins, renderMessages } from './view-render.ts'
import type { HiddenRange } from './view-rows.ts'

export async function readPinned(
  store: Pick<Store, 'pinRows' | 'messageRowsById'>,
  group: Uint8Array,
  hidden: readonly HiddenRange[]
): Promise<Message[]> {
  const pins = latestPins(await store.pinRows(group, hidden))
  if (pins.length === 0) return []
  const rows = await store.messageRowsById(
    group,
    pins.map((p) => fromHex(p.target)),
    hidden
  )
  const held = new Map(renderMessages(rows).map((m) => [m.id, m]))
  const pinned: Message[] = []
  for (const { target } of pins) {
    const message = held.get(target)
    if (message?.pinned === true) pinned.push(message)
  }
  return pinned
}
