/**
 * After a burst of gossip from a peer goes quiet, one cheap sync with it: the
 * last messages of a burst may have been dropped on the way (a full queue on
 * a forwarding hop), and no later message would reveal they are missing. A
 * sync that finds nothing costs one round trip and about a kilobyte.
 */

/** Gossip messages from one peer that make a burst worth checking on. */
const BURST_FOLLOW_UP = 50
const BURST_QUIET_MS = 2000

interface Burst {
  count: number
  timer?: ReturnType<typeof setTimeout>
}

export class BurstFollower {
  private readonly bursts = new Map<string, Burst>()
  private readonly sync: (groupId: string, peer: string) => void

  constructor(sync: (groupId: string, peer: string) => void) {
    this.sync = sync
  }

  /** Counts one accepted gossip message of `groupId` from `peer`. */
  seen(groupId: string, peer: string): void {
    const key = `${groupId}\n${peer}`
    const burst = this.bursts.get(key) ?? { count: 0 }
    burst.count++
    if (burst.timer !== undefined) clearTimeout(burst.timer)
    burst.timer = setTimeout(() => {
      this.bursts.delete(key)
      if (burst.count >= BURST_FOLLOW_UP) this.sync(groupId, peer)
    }, BURST_QUIET_MS)
    ;(burst.timer as { unref?: () => void }).unref?.()
    this.bursts.set(key, burst)
  }

  stop(): void {
    for (const burst of this.bursts.values()) clearTimeout(burst.timer)
    this.bursts.clear()
  }
}
