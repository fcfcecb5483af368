/**
 * One tab per browser profile runs the peer: every tab of a profile shares
 * its IndexedDB, so a second tab would be the same device twice (one peer
 * id on two connections, two writers of one chain). The first tab holds a
 * Web Lock for as long as it is open; a second tab finds it taken and says
 * so ("Try again" once the first is closed takes over).
 */
import { OtherTabError } from './tab-errors.ts'

const LOCK = 'causette-device'

/** Resolves once this tab holds the device; throws OtherTabError when another tab of the profile does. */
export async function holdDevice(): Promise<void> {
  const locks = (navigator as { locks?: LockManager }).locks
  // no Web Locks (a very old browser): nothing to coordinate with
  if (locks === undefined) return
  const { promise: held, resolve } = Promise.withResolvers<boolean>()
  void locks.request(LOCK, { ifAvailable: true }, (lock) => {
    resolve(lock !== null)
    // held until the page goes away
    return lock === null ? undefined : new Promise<void>(() => undefined)
  })
  if (!(await held)) throw new OtherTabError()
}
