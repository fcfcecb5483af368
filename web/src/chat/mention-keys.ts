/**
 * Who a message written in the composer mentions: each `@Name` (not inside
 * a word, such as an e-mail address) that is the display name of exactly one
 * member, compared without case. An @word naming nobody, or several, is just
 * text — the same rule the daemon's `send` applies (node/src/daemon/mentions.ts).
 */
import { fromHex } from '@causette/core'

const MENTION = /(?<![\p{L}\p{N}_.])@([\p{L}\p{N}_.-]+)/gu

export function mentionKeys(text: string, names: Map<string, string>): Uint8Array[] {
  const byName = new Map<string, string[]>()
  for (const [key, name] of names) {
    const folded = name.toLocaleLowerCase()
    byName.set(folded, [...(byName.get(folded) ?? []), key])
  }
  const found = new Set<string>()
  for (const match of text.matchAll(MENTION)) {
    const keys = byName.get((match[1] as string).replace(/[.-]+$/, '').toLocaleLowerCase())
    if (keys?.length === 1) found.add(keys[0] as string)
  }
  return [...found].map((key) => fromHex(key))
}
