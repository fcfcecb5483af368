/**
 * Disappearing messages in the IndexedDB store (core's Store.expiringEntries
 * and eraseEntries): the entries due, through the sparse index 'expiring',
 * and their erasure in one strict transaction — each entry's bytes replaced
 * by its erased form, its expiry dropped from the index, its message row
 * (and so its words), its own change row and every change naming its
 * message deleted, the author's message count lowered. IndexedDB leaves
 * compacting its files to the browser: what a deleted record held may stay
 * on disk until the browser compacts them (docs/disappearing-messages.md).
 */
import type { ExpiringEntry } from '@causette/core'
import type { Connection } from './idb-connection.ts'
import { compact } from './idb-ranges.ts'
import type { StoreName } from './idb-schema.ts'

const ERASURE_STORES: StoreName[] = ['entries', 'messages', 'changes', 'message-counts']

export async function expiringEntries(
  connection: Connection,
  groupId: Uint8Array,
  options: { until: number; limit: number }
): Promise<ExpiringEntry[]> {
  const group = compact(groupId)
  return connection.read(['entries'], async (tx) => {
    const records = await tx
      .objectStore('entries')
      .index('expiring')
      .getAll(IDBKeyRange.bound([group, -Infinity], [group, options.until]), options.limit)
    return records.map((r) => ({ id: r.id, key: r.key, bytes: r.bytes, expires: r.expires as number }))
  })
}

export async function eraseEntries(
  connection: Connection,
  groupId: Uint8Array,
  erased: ReadonlyArray<{ id: Uint8Array; bytes: Uint8Array }>
): Promise<void> {
  if (erased.length === 0) return
  const group = compact(groupId)
  await connection.write(ERASURE_STORES, true, async (tx) => {
    const entries = tx.objectStore('entries')
    const messages = tx.objectStore('messages')
    const changes = tx.objectStore('changes')
    const counts = tx.objectStore('message-counts')
    for (const { id, bytes } of erased) {
      const record = await entries.index('by-id').get([group, compact(id)])
      if (record === undefined) continue
      const { expires: _expires, ...kept } = record
      await entries.put({ ...kept, bytes: compact(bytes) })
      const message = await messages.get([group, record.key])
      if (message !== undefined) {
        await messages.delete([group, record.key])
        const count = (await counts.get([group, message.author])) ?? 1
        await counts.put(Math.max(0, count - 1), [group, message.author])
      }
      await changes.delete([group, record.key])
      for (const key of await changes.index('by-target').getAllKeys([group, record.id])) await changes.delete(key)
    }
  })
}
