/**
 * The bundle forms of the Backup dialog: save a group's bundle, and import
 * a bundle file into a group this tab holds (checked whole first; what it
 * added, already held, or is waiting for is said after).
 */
import { type Component, createSignal, For } from 'solid-js'
import { saveFile } from '../app/save-download.ts'
import { useSession } from '../app/session.ts'
import { sentence } from './error-sentence.ts'
import type { BackupStep } from './progress-text.ts'
import { StepProgress } from './StepProgress.tsx'
import { type BundleImport, bundleOfGroup, importBundleFile } from './tab-bundles.ts'

export const BundleForms: Component = () => {
  const session = useSession()
  const [groupId, setGroupId] = createSignal('')
  const [file, setFile] = createSignal<File>()
  const [step, setStep] = createSignal<BackupStep>()
  const [message, setMessage] = createSignal<string>()
  const [error, setError] = createSignal<string>()
  const run = async (work: () => Promise<string>): Promise<void> => {
    setError(undefined)
    setMessage(undefined)
    try {
      setMessage(await work())
    } catch (err) {
      setError(sentence(err))
    } finally {
      setStep(undefined)
    }
  }
  const save = (): Promise<void> =>
    run(async () => {
      const id = groupId() || session.peer.groups()[0]?.idHex
      if (id === undefined) throw new Error('This device holds no group yet: create or join one first.')
      const bundle = await bundleOfGroup(session, id)
      saveFile(bundle.file, bundle.name)
      return `Bundle ready: your browser saves ${bundle.name}. Import it on another member's device.`
    })
  const load = (event: SubmitEvent): Promise<void> => {
    event.preventDefault()
    return run(async () => {
      const picked = file()
      if (picked === undefined) throw new Error('Pick a bundle file first.')
      return importedText(await importBundleFile(session, picked, setStep))
    })
  }
  return (
    <>
      <section class="settings" aria-labelledby="bundle-heading">
        <h3 id="bundle-heading">Save a group’s bundle</h3>
        <label for="bundle-group">Group</label>
        <select id="bundle-group" value={groupId() || session.peer.groups()[0]?.idHex} onChange={(e) => setGroupId(e.currentTarget.value)}>
          <For each={session.peer.groups()}>{(log) => <option value={log.idHex}>{log.view.metadata().name || 'Unnamed group'}</option>}</For>
        </select>
        <button type="button" onClick={() => void save()}>
          Save bundle
        </button>
      </section>
      <form class="settings" onSubmit={load} novalidate aria-labelledby="import-heading">
        <h3 id="import-heading">Import a bundle</h3>
        <label for="bundle-file">Bundle file</label>
        <input id="bundle-file" type="file" accept=".bundle" onChange={(e) => setFile(e.currentTarget.files?.[0])} />
        <button type="submit" disabled={step() !== undefined}>
          Import
        </button>
      </form>
      <StepProgress step={step} label="Import progress" verb="Restoring" message={message()} error={error()} />
    </>
  )
}

function importedText(r: BundleImport): string {
  const parts = [`Imported into ${r.group || 'the group'}: ${r.added.toLocaleString('en')} new of ${r.entries.toLocaleString('en')} entries`]
  if (r.duplicates > 0) parts.push(`${r.duplicates.toLocaleString('en')} already held`)
  if (r.pending > 0) parts.push(`${r.pending.toLocaleString('en')} waiting for earlier entries the bundle lacks (sync brings them)`)
  if (r.rejected > 0) parts.push(`${r.rejected.toLocaleString('en')} refused by the group’s rules (${r.reasons.join('; ')})`)
  return `${parts.join(', ')}.`
}
