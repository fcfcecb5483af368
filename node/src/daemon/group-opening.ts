/**
 * Opening the groups a daemon's store holds, once its API answers: one by
 * one, each announced before and after (`group:opening`, `group:opened`
 * with its entries, messages and how long it took, or `group:open-failed`
 * with why), so the first start after an upgrade and a large store show
 * their progress. A store of an older version reads a group's history once
 * to work out its facts and view (`reindexed`).
 */

import type { DaemonParts } from './daemon.ts'
import { errorView } from './daemon-events.ts'

export async function openStoredGroups(
  parts: Pick<DaemonParts, 'directory' | 'store' | 'peer' | 'emit'>,
  run: { stopping: () => boolean; signal: AbortSignal }
): Promise<void> {
  const { directory, store, peer, emit } = parts
  const groups = directory.list().filter((g) => g.log === undefined)
  const began = performance.now()
  emit({ type: 'groups:opening', total: groups.length })
  for (const [i, known] of groups.entries()) {
    if (run.stopping()) return
    const started = performance.now()
    try {
      emit({
        type: 'group:opening',
        groupId: known.idHex,
        name: known.name,
        index: i + 1,
        total: groups.length,
        entries: await store.countEntries(known.record.id)
      })
      const reindexed = await store.lacksFacts(known.record.id)
      const log = await peer.openGroup(known.record.id, { signal: run.signal })
      directory.markOpen(known, log)
      emit({
        type: 'group:opened',
        groupId: known.idHex,
        name: known.name,
        entries: log.size,
        messages: await log.view.countMessages(),
        reindexed,
        durationMs: Math.round(performance.now() - started)
      })
    } catch (err) {
      if (run.stopping()) return
      known.fail(err as Error)
      emit({ type: 'group:open-failed', groupId: known.idHex, name: known.name, error: errorView(err) })
    }
  }
  emit({ type: 'groups:opened', total: groups.length, durationMs: Math.round(performance.now() - began) })
}
