/**
 * A restore of a backup that a closed tab or a crash cut short left groups
 * in the store and no key to go with them: at the next start they are
 * deleted, so the tab is again a device with nothing (tab-restore.ts).
 */
import type { Store } from '@causette/core'
import type { DeviceIdentity } from '../peer/device-identity.ts'

export async function clearInterruptedRestore(identity: DeviceIdentity, store: Store): Promise<void> {
  if (!(await identity.restoring())) return
  for (const group of await store.listGroups()) await store.deleteGroup(group.id)
  await identity.setRestoring(false)
}
