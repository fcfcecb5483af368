/**
 * Restoring a backup file into this tab (tab-restore.ts): the file is
 * checked as soon as it is picked (not a backup, a newer format), then the
 * passphrase opens it, with the key derivation's and the entries' progress
 * on screen. Once restored, the page starts again as the restored device.
 */
import { type Component, createSignal } from 'solid-js'
import { useSession } from '../app/session.ts'
import { sentence } from './error-sentence.ts'
import type { BackupStep } from './progress-text.ts'
import { StepProgress } from './StepProgress.tsx'
import { readBackupFile, restoreIntoTab } from './tab-restore.ts'

/** How long the result stays on screen before the page starts as the restored device. */
const RELOAD_AFTER_MS = 1500

export const RestoreForm: Component = () => {
  const session = useSession()
  const [file, setFile] = createSignal<File>()
  const [passphrase, setPassphrase] = createSignal('')
  const [step, setStep] = createSignal<BackupStep>()
  const [message, setMessage] = createSignal<string>()
  const [error, setError] = createSignal<string>()
  const pick = async (picked: File | undefined): Promise<void> => {
    setFile(picked)
    setError(undefined)
    if (picked === undefined) return
    try {
      await readBackupFile(picked)
    } catch (err) {
      setError(sentence(err))
    }
  }
  const submit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault()
    setError(undefined)
    const picked = file()
    if (picked === undefined) {
      setError('Pick the backup file first.')
      return
    }
    try {
      const summary = await restoreIntoTab(session, picked, passphrase(), setStep)
      setPassphrase('')
      const groups = summary.groups.length
      setMessage(
        `Restored: ${groups} group${groups === 1 ? '' : 's'}, ${summary.entries.toLocaleString('en')} entries, as backed up on ${new Date(summary.createdAt).toLocaleString()}. Starting as the restored device…`
      )
      setTimeout(() => location.reload(), RELOAD_AFTER_MS)
    } catch (err) {
      setError(sentence(err))
    } finally {
      setStep(undefined)
    }
  }
  return (
    <form class="settings" onSubmit={submit} novalidate>
      <p class="hint">
        This tab becomes the device the backup was made on, with its groups and history. Stop using that device afterwards: one device in two places
        confuses its groups.
      </p>
      <label for="restore-file">Backup file</label>
      <input id="restore-file" type="file" accept=".backup" onChange={(e) => void pick(e.currentTarget.files?.[0])} />
      <label for="restore-passphrase">Its passphrase</label>
      <input
        id="restore-passphrase"
        type="password"
        autocomplete="current-password"
        value={passphrase()}
        onInput={(e) => setPassphrase(e.currentTarget.value)}
      />
      <button type="submit" disabled={step() !== undefined || message() !== undefined}>
        Restore
      </button>
      <StepProgress step={step} label="Restore progress" verb="Restoring" message={message()} error={error()} />
    </form>
  )
}
