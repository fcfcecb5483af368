/** Who is typing in a group now, by name: "Bob is typing…", "Bob and Carol are typing…". */
import type { CausettePeer } from '@causette/core'
import type { Accessor } from 'solid-js'
import { createPeerSignal } from '../app/peer-signal.ts'

export function typingText(names: string[]): string {
  if (names.length === 0) return ''
  if (names.length === 1) return `${names[0]} is typing…`
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`
  return `${names.length} people are typing…`
}

export function createTyping(peer: CausettePeer, groupId: string): Accessor<string> {
  const read = (): string => {
    if (!peer.hasGroup(groupId)) return ''
    const names = peer.group(groupId).view.displayNames()
    return typingText(peer.signals.typing(groupId).map((key) => names.get(key) ?? `Member ${key.slice(0, 6)}`))
  }
  const [text] = createPeerSignal(peer, read, '', { events: ['signal:typing'], everyMs: 2000, groupId })
  return text
}
