/**
 * What the Backup dialog holds: backing up this device to a file (the
 * passphrase typed twice, the key derivation's progress, then the entries
 * written), and the bundle forms (BundleForms.tsx).
 */
import { type Component, createSignal } from 'solid-js'
import { saveFile } from '../app/save-download.ts'
import { useSession } from '../app/session.ts'
import { BundleForms } from './BundleForms.tsx'
import { sentence } from './error-sentence.ts'
import type { BackupStep } from './progress-text.ts'
import { StepProgress } from './StepProgress.tsx'
import { backUpTab } from './tab-backup.ts'

export const BackupPanel: Component = () => (
  <>
    <BackUpForm />
    <BundleForms />
  </>
)

const BackUpForm: Component = () => {
  const session = useSession()
  const [passphrase, setPassphrase] = createSignal('')
  const [again, setAgain] = createSignal('')
  const [step, setStep] = createSignal<BackupStep>()
  const [message, setMessage] = createSignal<string>()
  const [error, setError] = createSignal<string>()
  const submit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault()
    setError(undefined)
    setMessage(undefined)
    if (passphrase() !== again()) {
      setError('The two passphrases differ: type the same passphrase twice. Nothing was saved.')
      return
    }
    try {
      const backup = await backUpTab(session, passphrase(), setStep)
      saveFile(backup.file, backup.name)
      setPassphrase('')
      setAgain('')
      setMessage(
        `Backup ready: your browser saves ${backup.name} (${backup.groups} group${backup.groups === 1 ? '' : 's'}, ${backup.entries.toLocaleString('en')} entries). Keep the passphrase apart from the file: without it nothing in the file can be read or restored.`
      )
    } catch (err) {
      setError(sentence(err))
    } finally {
      setStep(undefined)
    }
  }
  return (
    <form class="settings" onSubmit={submit} novalidate aria-labelledby="backup-heading">
      <h3 id="backup-heading">Back up this device</h3>
      <label for="backup-passphrase">Passphrase (at least 10 characters; a few unrelated words)</label>
      <input
        id="backup-passphrase"
        type="password"
        autocomplete="new-password"
        value={passphrase()}
        onInput={(e) => setPassphrase(e.currentTarget.value)}
      />
      <label for="backup-passphrase-again">The same passphrase again</label>
      <input
        id="backup-passphrase-again"
        type="password"
        autocomplete="new-password"
        value={again()}
        onInput={(e) => setAgain(e.currentTarget.value)}
      />
      <button type="submit" disabled={step() !== undefined}>
        Back up
      </button>
      <StepProgress step={step} label="Backup progress" verb="Backing up" message={message()} error={error()} />
    </form>
  )
}
