/**
 * The tab's store: the groups' entries and views in IndexedDB
 * (store/idb-store.ts). This device's own entries are written durably
 * before they are published; the browser is asked to keep the data
 * (persistent storage), and its answer is kept for the UI to show.
 */
import { IndexedDbStore } from '../store/idb-store.ts'
import { type PersistenceAnswer, requestPersistentStorage } from '../store/persistent-storage.ts'

export async function openTabStore(device: Uint8Array): Promise<{ store: IndexedDbStore; persistence: PersistenceAnswer }> {
  const store = await IndexedDbStore.open()
  store.setDurableAuthor(device)
  // a browser that cannot answer (no storage manager, a refusal that throws) is as good as a refusal
  const persistence = await requestPersistentStorage().catch((): PersistenceAnswer => 'refused')
  return { store, persistence }
}
