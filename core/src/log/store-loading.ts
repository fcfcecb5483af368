/**
 * Opening a group log from its store: its entries a page at a time, in
 * order, each page added as trusted (this device checked them before it
 * stored them) and not stored again, with the shown times stored beside
 * them. Entries stored by a version that kept no facts get theirs written
 * as they load. Between pages the event loop turns, so a daemon answers
 * its API and a tab stays responsive while a large group opens; `signal`
 * stops the loading between two pages.
 */
import { toHex } from '../codec/hex.ts'
import type { Store } from '../store/store.ts'
import type { StoreLoad } from './entry-acceptance.ts'
import type { AddResult } from './log-entry.ts'
import { fromOrderKey } from './order.ts'

/** Small enough that a page (~10 ms) never holds up anything else for long. */
const LOAD_PAGE = 500

export interface LoadOptions {
  signal?: AbortSignal
  /** Entries loaded of the total, after each page. */
  onProgress?: (loaded: number, total: number) => void
}

export async function loadFromStore(
  add: (input: Uint8Array[], load: StoreLoad) => Promise<AddResult>,
  store: Store,
  groupId: Uint8Array,
  options: LoadOptions = {}
): Promise<void> {
  const total = options.onProgress === undefined ? 0 : await store.countEntries(groupId)
  const fillFacts = await store.lacksFacts(groupId)
  let after: Uint8Array | undefined
  let loaded = 0
  for (;;) {
    options.signal?.throwIfAborted()
    const page = await store.listEntries(groupId, after === undefined ? { limit: LOAD_PAGE } : { after, limit: LOAD_PAGE })
    if (page.length === 0) return
    const ids = page.map((p) => fromOrderKey(p.key).id)
    const shownTimes = new Map<string, number>()
    if (!fillFacts) {
      const facts = await store.getFacts(groupId, ids)
      facts.forEach((f, i) => {
        if (f !== undefined) shownTimes.set(toHex(ids[i] as Uint8Array), f.shownTime)
      })
    }
    await add(
      page.map((p) => p.bytes),
      { shownTimes, fillFacts }
    )
    loaded += page.length
    options.onProgress?.(loaded, total)
    after = (page[page.length - 1] as { key: Uint8Array }).key
    await new Promise((resolve) => setTimeout(resolve, 0))
  }
}
