/**
 * On the first-run screen: "Restore from a backup", for a person whose
 * device this tab should become (a new browser, a cleared profile). The
 * form and core's backup code load only when asked for.
 */
import { type Component, createSignal, lazy, Show, Suspense } from 'solid-js'

const RestoreForm = lazy(() => import('./RestoreForm.tsx').then((m) => ({ default: m.RestoreForm })))

export const RestoreOffer: Component = () => {
  const [open, setOpen] = createSignal(false)
  return (
    <section aria-labelledby="restore-heading">
      <h2 id="restore-heading">Used Causette before?</h2>
      <Show
        when={open()}
        fallback={
          <button type="button" onClick={() => setOpen(true)}>
            Restore from a backup
          </button>
        }
      >
        <Suspense fallback={<p role="status">Loading…</p>}>
          <RestoreForm />
        </Suspense>
      </Show>
    </section>
  )
}
