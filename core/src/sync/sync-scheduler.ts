/**
 * Decides when to sync which group with which peer: at most one session per
 * (group, peer) at a time, requests during a session coalesced into one more
 * run, a bound on sessions running at once, and a failed session tried again
 * after 2 s and then 8 s (a stream broken by a flaky link should not wait for
 * the next anti-entropy round).
 */

const RETRY_DELAYS_MS = [2000, 8000]

export interface SyncScheduler {
  request(groupId: string, peer: string): void
  running(groupId: string): boolean
  stop(): Promise<void>
}

export function syncScheduler(run: (groupId: string, peer: string) => Promise<void>, maxConcurrent = 4): SyncScheduler {
  const active = new Map<string, Promise<void>>()
  const again = new Set<string>()
  const waiting: string[] = []
  const failures = new Map<string, number>()
  const retries = new Set<ReturnType<typeof setTimeout>>()
  let stopped = false

  const keyOf = (groupId: string, peer: string) => `${groupId}/${peer}`

  const launch = (key: string): void => {
    const [groupId, peer] = key.split('/') as [string, string]
    const task = run(groupId, peer)
      .then(
        () => {
          failures.delete(key)
        },
        () => retryLater(key)
      )
      .finally(() => {
        active.delete(key)
        if (stopped) return
        if (again.delete(key)) schedule(key)
        const next = waiting.shift()
        if (next !== undefined) launch(next)
      })
    active.set(key, task)
  }

  const retryLater = (key: string): void => {
    const attempt = failures.get(key) ?? 0
    const delay = RETRY_DELAYS_MS[attempt]
    if (delay === undefined || stopped) {
      failures.delete(key)
      return
    }
    failures.set(key, attempt + 1)
    const timer = setTimeout(() => {
      retries.delete(timer)
      if (!stopped) schedule(key)
    }, delay)
    ;(timer as { unref?: () => void }).unref?.()
    retries.add(timer)
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
      for (const timer of retries) clearTimeout(timer)
      retries.clear()
      waiting.length = 0
      again.clear()
      await Promise.all(active.values())
    }
  }
}
