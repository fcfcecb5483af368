/**
 * Live delivery latency over peers already sharing a group and connected:
 * 1 KB messages written by the peers in turn, each timed alone from `send`
 * on the writer to the entry being added on every other peer (the next is
 * written once this one reached them all, or 2 s passed), so a sample is
 * delivery latency, not time queued behind earlier messages.
 */
import type { TestPeer } from '../fixtures/peers.ts'

export async function liveLatency(peers: TestPeer[], groupId: string, count: number): Promise<{ samples: number[]; lost: number }> {
  const sentAt = new Map<string, number>()
  const samples: number[] = []
  let awaited: { id: string; left: number; done: () => void } | undefined
  const listeners = peers.map((p) => {
    const listener = (evt: CustomEvent<{ entries: ReadonlyArray<{ idHex: string }>; source: string }>) => {
      const now = performance.now()
      for (const e of evt.detail.entries) {
        const at = sentAt.get(e.idHex)
        if (at === undefined || evt.detail.source === 'local') continue
        samples.push(now - at)
        if (awaited?.id === e.idHex && --awaited.left === 0) awaited.done()
      }
    }
    p.peer.addEventListener('entries', listener)
    return listener
  })
  const text = 'x'.repeat(1000)
  let lost = 0
  try {
    for (let i = 0; i < count; i++) {
      const writer = peers[i % peers.length] as TestPeer
      const started = performance.now()
      const { promise: reached, resolve } = Promise.withResolvers<void>()
      const entry = await writer.peer.send(groupId, { type: 'message', text })
      sentAt.set(entry.idHex, started)
      awaited = { id: entry.idHex, left: peers.length - 1, done: resolve }
      const timer = setTimeout(resolve, 2000)
      await reached
      clearTimeout(timer)
      lost += awaited.left
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  } finally {
    peers.forEach((p, i) => {
      p.peer.removeEventListener('entries', listeners[i] as never)
    })
  }
  return { samples: [...samples].sort((a, b) => a - b), lost }
}
