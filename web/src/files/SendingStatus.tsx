/** Under the composer: the file being sent with a progress bar, and why a file could not be sent. */
import { type Component, Show } from 'solid-js'
import type { FileSending } from './create-file-sending.ts'
import { sizeLabel } from './file-size.ts'

export const SendingStatus: Component<{ files: FileSending }> = (props) => (
  <>
    <Show when={props.files.sending()}>
      {(s) => (
        <p class="file-progress" role="status">
          <label>
            Sending {s().name}: {sizeLabel(s().sent)} of {sizeLabel(s().total)} <progress max={Math.max(1, s().total)} value={s().sent} />
          </label>
        </p>
      )}
    </Show>
    <p class="error" role="alert">
      {props.files.error()}
    </p>
  </>
)
