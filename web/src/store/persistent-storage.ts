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

/** Asks for persistent storage once; 'persisted' also when it was already granted. */
export async function requestPersistentStorage(storage: StorageManager | undefined = globalThis.navigator?.storage): Promise<PersistenceAnswer> {
  if (storage === undefined || typeof storage.persist !== 'function') return 'unsupported'
  if (typeof storage.persisted === 'function' && (await storage.persisted())) return 'persisted'
  return (await storage.persist()) ? 'persisted' : 'refused'
}
