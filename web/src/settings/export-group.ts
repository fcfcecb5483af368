/**
 * A group's history exported from this tab: JSON lines, oldest first, in
 * the format `causette export` writes (core's exportLine), read a page at a
 * time with progress, and handed to the browser as a file to save.
 */
import { type CausettePeer, exportLine, fingerprint, fromHex } from '@causette/core'

const PAGE = 1000

export async function exportGroup(peer: CausettePeer, groupId: string, onProgress: (messages: number) => void): Promise<Blob> {
  const log = peer.group(groupId)
  const names = log.view.displayNames()
  const fingerprints = new Map<string, string>()
  const parts: string[] = []
  let after: Uint8Array | undefined
  let count = 0
  for (;;) {
    const page = await log.view.messagesAfter(PAGE, after)
    if (page.length === 0) break
    for (const { message } of page) {
      let print = fingerprints.get(message.author)
      if (print === undefined) {
        print = fingerprint(fromHex(message.author))
        fingerprints.set(message.author, print)
      }
      const name = names.get(message.author)
      parts.push(exportLine(message, { fingerprint: print, ...(name === undefined ? {} : { name }) }))
    }
    count += page.length
    onProgress(count)
    after = (page[page.length - 1] as { key: Uint8Array }).key
  }
  return new Blob(parts, { type: 'application/x-ndjson' })
}
