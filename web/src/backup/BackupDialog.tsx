/**
 * The "Backup" dialog of the group list: back up this device, save a
 * group's bundle, import a bundle. Its content (and core's backup code, the
 * key derivation's worker) loads only when the dialog opens, so the first
 * screen does not pay for it.
 */
import { type Component, lazy, Suspense } from 'solid-js'
import { AppDialog } from '../app/AppDialog.tsx'

const BackupPanel = lazy(() => import('./BackupPanel.tsx').then((m) => ({ default: m.BackupPanel })))

export const BackupDialog: Component = () => (
  <AppDialog
    trigger="Backup"
    triggerClass="settings-button"
    title="Backup and bundles"
    description="A backup is this whole device (its key, settings, groups and history) under a passphrase; a bundle is one group's history, for a member's device that never meets this one."
  >
    <Suspense fallback={<p role="status">Loading…</p>}>
      <BackupPanel />
    </Suspense>
  </AppDialog>
)
