/**
 * One tab per browser profile runs the peer: every tab of a profile shares
 * its IndexedDB, so a second tab would be the same device twice (one peer
 * id on two connections, two writers of one chain). The first tab holds a
 * Web Lock for as long as it is open; a second tab finds it taken and says
 * so ("Try again" once the first is closed takes over).
 *
 * A tab closed a moment ago may hold the lock a little longer while the
 * browser tears it down (a restore or a sync cut off mid-write): a tab
 * opened right after it waits up to CLOSING_TAB_MS for the lock before it
 * says another tab is open, so closing and reopening Causette just works.
 */
import { OtherTabError } from './tab-errors.ts'

const LOCK = 'causette-device'
/** How long a starting tab waits for the lock of a tab being closed. */
export const CLOSING_TAB_MS = 3_000

/** Resolves once this tab holds the device; throws OtherTabError when another tab of the profile does. */
export async function holdDevice(): Promise<void> {
  const locks = (navigator as { locks?: LockManager }).locks
  // no Web Locks (a very old browser): nothing to coordinate with
  if (locks === undefined) return
  const { promise: held, resolve } = Promise.withResolvers<boolean>()
  locks
    .request(LOCK, { signal: AbortSignal.timeout(CLOSING_TAB_MS) }, () => {
      resolve(true)
      // held until the page goes away
      return new Promise<void>(() => undefined)
    })
    // not granted in time: another tab is open and stays open
    .catch(() => resolve(false))
  if (!(await held)) throw new OtherTabError()
}
