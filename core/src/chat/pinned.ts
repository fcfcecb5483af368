/**
 * A group's pinned messages, read from its store: the latest pin row of
 * each message (Store.pinRows) says which are pinned and in what order, the
 * latest pinned first; each is then read and rendered as any message is,
 * and left out when it is not held, is hidden from the reader, or was
 * deleted. Pins are few, so one read per pinned message costs little.
 */

import { fromHex } from '../codec/hex.ts'
import type { Store } from '../store/store.ts'
import type { Message } from './message-types.ts'
import { latestPins, renderMessages } from './view-render.ts'
import type { HiddenRange } from './view-rows.ts'

export async function readPinned(
  store: Pick<Store, 'pinRows' | 'messageRow'>,
  group: Uint8Array,
  hidden: readonly HiddenRange[]
): Promise<Message[]> {
  const pinned: Message[] = []
  for (const { target } of latestPins(await store.pinRows(group, hidden))) {
    const [message] = renderMessages(await store.messageRow(group, fromHex(target), hidden))
    if (message?.pinned === true) pinned.push(message)
  }
  return pinned
}
