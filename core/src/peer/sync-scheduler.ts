/**
 * Decides when to sync which group with which peer: at most one session per
 * (group, peer) at a time, requests during a session coalesced into one more
 * run, and a bound on sessions running at once.
 */

export interface SyncScheduler {
  request(groupId: string, peer: string): void
  running(groupId: string): boolean
  stop(): Promise<void>
}

export function syncScheduler(run: (groupId: string, peer: string) => Promise<void>, maxConcurrent = 4): SyncScheduler {
  const active = new Map<string, Promise<void>>()
  const again = new Set<string>()
  const waiting: string[] = []
  let stopped = false

  const keyOf = (groupId: string, peer: string) => `${groupId}/${peer}`

  const launch = (key: string): void => {
    const [groupId, peer] = key.split('/') as [string, string]
    const task = run(groupId, peer)
      .catch(() => undefined)
      .finally(() => {
        active.delete(key)
        if (stopped) return
        if (again.delete(key)) schedule(key)
        const next = waiting.shift()
        if (next !== undefined) launch(next)
      })
    active.set(key, task)
  }

  const schedule = (key: string): void => {
    if (active.has(key)) {
      again.add(key)
    } else if (active.size >= maxConcurrent) {
      if (!waiting.includes(key)) waiting.push(key)
    } else {
      launch(key)
    }
  }

  return {
    request(groupId, peer) {
      if (!stopped) schedule(keyOf(groupId, peer))
    },
    running(groupId) {
      for (const key of active.keys()) if (key.startsWith(`${groupId}/`)) return true
      return false
    },
    async stop() {
      stopped = true
      waiting.length = 0
      again.clear()
      await Promise.all(active.values())
    }
  }
}
