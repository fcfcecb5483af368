/**
 * Opening a group log from what its store keeps, without reading its
 * history: the membership entries (a few per member) are admitted again in
 * order, which rebuilds membership, the epoch keys this device was granted
 * and every frontier; then the heads, each author's latest entry, the
 * count and the equivocations are read as facts,
 * and the entries of epochs this device still lacks the key of are held
 * sealed. The cost follows members and membership changes, not messages.
 * A store holding entries without facts (written before they existed) is
 * opened by reading every entry instead (store-loading.ts), which fills them.
 */

import type { StoredView } from '../chat/stored-view.ts'
import { decodeEntry } from '../codec/entry-codec.ts'
import { fromHex, toHex } from '../codec/hex.ts'
import type { Store } from '../store/store.ts'
import { type AdmissionContext, admit } from './admission.ts'
import type { CommittedMembership } from './committed-membership.ts'
import type { EntryAcceptance, StoreLoad } from './entry-acceptance.ts'
import type { EntryIndex } from './entry-index.ts'
import type { LogEntry } from './log-entry.ts'
import { fromOrderKey } from './order.ts'
import { type LoadOptions, loadFromStore } from './store-loading.ts'
import type { VisibleEntries } from './visible-entries.ts'
import type { WorkQueue } from './work-queue.ts'

/** Sealed entries read per page. */
const SEALED_PAGE = 500

export interface OpeningComponents {
  groupId: Uint8Array
  store: Store
  index: EntryIndex
  admission: AdmissionContext
  /** Membership and keys, which the membership entries are folded into as committing them does. */
  committed: Pick<CommittedMembership, 'record' | 'unreadableEpochs'>
  /** Where entries this device cannot read yet wait for their keys. */
  sealed: Pick<VisibleEntries, 'holdSealed'>
}

export interface StoredLogComponents extends OpeningComponents {
  /** Its registers are read once the log is open. */
  view: Pick<StoredView, 'refresh'>
  /** The log's queue, which the opening waits its turn in. */
  queue: WorkQueue
  /** Where a store without facts has its entries added, page by page. */
  acceptance: Pick<EntryAcceptance, 'add'>
}

/** Opens a log from its store: from facts (openFromFacts), or by reading every entry once when the store holds some without (store-loading.ts). */
export async function openStoredLog(c: StoredLogComponents, options: LoadOptions): Promise<void> {
  if (await c.store.lacksFacts(c.groupId)) {
    const add = (input: Uint8Array[], load: StoreLoad) => c.queue.run(() => c.acceptance.add(input, { trusted: true, source: 'store' }, load))
    await loadFromStore(add, c.store, c.groupId, options)
    return
  }
  await c.queue.run(async () => {
    await openFromFacts(c)
    await c.view.refresh()
  })
}

/** Opens the log from its store's facts. */
export async function openFromFacts(c: OpeningComponents): Promise<void> {
  const { groupId, store, index } = c
  try {
    for (const row of await store.listMembership(groupId)) {
      const entry = decodeEntry(row.bytes, fromOrderKey(row.key).id)
      const named = [...entry.parents, ...(entry.prev === null ? [] : [entry.prev])].map(toHex)
      await index.load(named)
      const idHex = toHex(entry.id)
      const admission = admit(entry, idHex, c.admission)
      if (admission.membership === undefined) throw new Error(`stored entry ${idHex.slice(0, 12)} is marked as membership but is not`)
      c.committed.record(admission.node, admission.membership)
    }
    const heads = await nodes(c, await store.heads(groupId))
    const tips: LogEntry[] = []
    for (const [author, seq] of await store.authorSeqs(groupId)) {
      const ids = await store.idsAt(groupId, fromHex(author), seq)
      const atSeq = await nodes(c, ids)
      // an author who forked: the one latest in the order, as the log would have it
      const latest = atSeq.sort((a, b) => a.clock - b.clock || (a.idHex < b.idHex ? -1 : 1)).at(-1)
      if (latest !== undefined) tips.push(latest)
    }
    index.restore(await store.countEntries(groupId), heads, tips)
    for (const e of await store.equivocations(groupId)) index.chains.equivocation(toHex(e.author), e.seq, e.ids.map(toHex))
    for (const epoch of c.committed.unreadableEpochs()) await holdSealed(c, epoch)
  } finally {
    index.release()
  }
}

/** The entries with these ids as the log keeps them in memory, from their facts. */
async function nodes(c: OpeningComponents, ids: Uint8Array[]): Promise<LogEntry[]> {
  await c.index.load(ids.map(toHex))
  return ids.map((id) => c.index.get(toHex(id))).filter((n): n is LogEntry => n !== undefined)
}

async function holdSealed(c: OpeningComponents, epoch: string): Promise<void> {
  let after: Uint8Array | undefined
  for (;;) {
    const page = await c.store.listEpoch(c.groupId, epoch, after === undefined ? { limit: SEALED_PAGE } : { after, limit: SEALED_PAGE })
    if (page.length === 0) return
    const facts = await c.store.getFacts(
      c.groupId,
      page.map((p) => fromOrderKey(p.key).id)
    )
    page.forEach((p, i) => {
      const f = facts[i]
      const node = f === undefined ? undefined : c.index.nodeOf(f, true)
      if (node !== undefined) c.sealed.holdSealed(node, p.bytes)
    })
    after = (page[page.length - 1] as { key: Uint8Array }).key
  }
}
