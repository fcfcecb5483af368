/** A backup's, restore's or import's progress as a bar and a sentence, and what it ended with: the three forms say it alike. */
import { type Accessor, type Component, Show } from 'solid-js'
import { type BackupStep, progressText, progressValue } from './progress-text.ts'

export const StepProgress: Component<{
  step: Accessor<BackupStep | undefined>
  label: string
  verb: 'Backing up' | 'Restoring'
  message: string | undefined
  error: string | undefined
}> = (props) => (
  <>
    <Show when={props.step()}>
      {(now) => (
        <>
          <progress aria-label={props.label} value={progressValue(now())} max="1" />
          <p role="status">{progressText(now(), props.verb)}</p>
        </>
      )}
    </Show>
    <p role="status">{props.message}</p>
    <p role="alert" class="error">
      {props.error}
    </p>
  </>
)
