/**
 * Fetching small media as it arrives, as messengers do: an image or an
 * audio file (a voice note) of at most AUTO_FETCH_BYTES in a message that
 * arrives from another member is fetched in the background, so it opens at
 * once, offline too. Other files are fetched when a person saves them.
 * Two at a time, at most 200 waiting (the oldest dropped first: after a
 * long absence, the newest 200 are fetched); a fetch that fails is left
 * for the person to retry.
 */
import { type CausettePeer, fileKeysOf, type Message } from '@causette/core'

/** The largest image or audio file fetched without being asked. */
export const AUTO_FETCH_BYTES = 10 * 1000 * 1000
const AT_ONCE = 2
/** Messages waiting at most: after a long absence, the newest media, not a backlog of every photo. */
const MAX_WAITING = 200

export class MediaPrefetch {
  private readonly peer: CausettePeer
  private readonly queue: Array<{ groupId: string; message: Message }> = []
  private running = 0

  constructor(peer: CausettePeer) {
    this.peer = peer
  }

  /** A message shown to this device: its small media are fetched if it came from someone else. */
  consider(groupId: string, message: Message, mine: boolean): void {
    if (mine || message.deleted || !(message.files ?? []).some(autoFetched)) return
    this.queue.push({ groupId, message })
    if (this.queue.length > MAX_WAITING) this.queue.shift()
    this.next()
  }

  private next(): void {
    while (this.running < AT_ONCE && this.queue.length > 0) {
      const { groupId, message } = this.queue.shift() as { groupId: string; message: Message }
      this.running++
      void this.fetch(groupId, message).finally(() => {
        this.running--
        this.next()
      })
    }
  }

  private async fetch(groupId: string, message: Message): Promise<void> {
    for (const file of (message.files ?? []).filter(autoFetched)) {
      try {
        await this.peer.files.fetch(groupId, fileKeysOf(file))
      } catch {
        // not reachable now: fetched when a person opens it
      }
    }
  }
}

function autoFetched(file: { type: string; size: number }): boolean {
  return (file.type.startsWith('image/') || file.type.startsWith('audio/')) && file.size <= AUTO_FETCH_BYTES
}
