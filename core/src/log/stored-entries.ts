/**
 * Reading a log's history back from its store, a page at a time in the
 * log's order: each entry with its facts and, where this device holds its
 * epoch's key, its operation. What the view is rebuilt from, and what
 * anything reading the whole history (an export, a check) reads, since an
 * open log keeps only recent entries in memory.
 */

import type { ViewEntry } from '../chat/message-types.ts'
import type { Operation } from '../chat/operations.ts'
import { decodeEntry, type Entry } from '../codec/entry-codec.ts'
import type { Store, StoredFacts } from '../store/store.ts'
import { type BodyKeys, unseal } from './admission.ts'
import { entryFieldsOf } from './entry-index.ts'
import { openOperation } from './entry-validation.ts'
import { fromOrderKey } from './order.ts'

/** A stored entry as read back: what the view takes, and where it sits. */
export interface StoredLogEntry extends ViewEntry {
  id: Uint8Array
  /** Order key (log/order.ts): pass as `after` for the next page. */
  key: Uint8Array
  shownTime: number
  epochHex: string
  /** This device lacks its epoch's key. */
  sealed: boolean
  /** Key of the frontier it stands on (GroupLog.frontierOf). */
  frontierKey: string
}

export interface ReadPage {
  /** Only entries after this order key. */
  after?: Uint8Array
  limit: number
}

export interface ReadResult {
  entries: StoredLogEntry[]
  /** Key of the last entry read, for the next page; undefined when the page was empty: the end. */
  next: Uint8Array | undefined
}

/** A page of the log's entries in order; entries stored without facts (see Store.lacksFacts) are left out. */
export async function readStoredEntries(store: Store, groupId: Uint8Array, body: BodyKeys, page: ReadPage): Promise<ReadResult> {
  const rows = await store.listEntries(groupId, page.after === undefined ? { limit: page.limit } : { after: page.after, limit: page.limit })
  const ids = rows.map((r) => fromOrderKey(r.key).id)
  const facts = await store.getFacts(groupId, ids)
  const read: StoredLogEntry[] = []
  rows.forEach((row, i) => {
    const f = facts[i]
    if (f !== undefined) read.push(readable(decodeEntry(row.bytes, ids[i]), row.key, f, body))
  })
  return { entries: read, next: rows.at(-1)?.key }
}

function readable(entry: Entry, key: Uint8Array, f: StoredFacts, body: BodyKeys): StoredLogEntry {
  const e: StoredLogEntry = { ...entryFieldsOf(f), key, op: undefined as Operation | undefined, sealed: true, frontierKey: f.frontier }
  if (entry.erased === true) {
    // a disappearing message past its deadline: nothing left to read
    e.sealed = false
    return e
  }
  if (f.epoch !== '') {
    unseal(e, entry.body, entry, body)
    return e
  }
  e.sealed = false
  try {
    e.op = openOperation(entry, body.keys, body.aead)
  } catch {
    // admitted, so it opened once: there is nothing to show if it no longer does
  }
  return e
}
