/**
 * Asking the browser to keep Causette's data: without it, a browser may
 * evict a site's IndexedDB under storage pressure, taking the messages
 * this tab holds (and its device key) with it. Browsers grant it silently
 * to an installed or much-used site, ask the person, or refuse.
 *
 * ```ts
 * if ((await requestPersistentStorage()) === 'refused') showHint('Install Causette to keep your messages')
 * ```
 */

export type PersistenceAnswer = 'persisted' | 'refused' | 'unsupported'

/** What this needs of the browser's StorageManager (navigator.storage). */
export interface PersistableStorage {
  persist?(): Promise<boolean>
  persisted?(): Promise<boolean>
}

/** Asks for persistent storage; 'persisted' also when it was granted before, 'unsupported' where the browser has no such request. */
export async function requestPersistentStorage(
  storage: PersistableStorage | undefined = (globalThis.navigator as { storage?: PersistableStorage } | undefined)?.storage
): Promise<PersistenceAnswer> {
  if (storage?.persist === undefined) return 'unsupported'
  if (storage.persisted !== undefined && (await storage.persisted())) return 'persisted'
  return (await storage.persist()) ? 'persisted' : 'refused'
}
