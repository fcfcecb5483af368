/**
 * A group's bundle read from a store: every entry it holds of the group, in
 * the log's order (parents first), a page at a time, as the bundle's bytes
 * (bundle-format.ts). The daemon streams it to the CLI; a browser tab makes
 * a file of it.
 */
import type { Store } from '../store/store.ts'
import { BundleWriter } from './bundle-format.ts'

/** Entries read from the store at a time. */
const PAGE = 500

export async function* bundleFromStore(
  store: Pick<Store, 'listEntries'>,
  groupId: Uint8Array,
  onProgress?: (entries: number) => void
): AsyncGenerator<Uint8Array> {
  const writer = new BundleWriter()
  yield writer.header(groupId)
  let after: Uint8Array | undefined
  let written = 0
  for (;;) {
    const page = await store.listEntries(groupId, after === undefined ? { limit: PAGE } : { after, limit: PAGE })
    if (page.length === 0) break
    yield writer.entries(page.map((row) => row.bytes))
    written += page.length
    onProgress?.(written)
    after = (page[page.length - 1] as { key: Uint8Array }).key
  }
  yield writer.end()
}
