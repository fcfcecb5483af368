/** A file on its way: a Download button until asked, a progress bar while it comes, why it did not with a Try again. */
import type { FileView } from '@causette/core'
import { type Component, Match, Switch } from 'solid-js'
import type { FileBytes } from './chat-files.ts'
import { sizeLabel } from './file-size.ts'

export const FileProgress: Component<{ file: FileView; state: FileBytes; onLoad: () => void }> = (props) => (
  <Switch>
    <Match when={props.state.kind === 'waiting'}>
      <button type="button" class="file-download" onClick={() => props.onLoad()}>
        Download <span class="visually-hidden">{props.file.name}</span> ({sizeLabel(props.file.size)})
      </button>
    </Match>
    <Match when={props.state.kind === 'fetching' && (props.state as Extract<FileBytes, { kind: 'fetching' }>)}>
      {(s) => (
        <label class="file-progress">
          Downloading {props.file.name}: {sizeLabel(s().held)} of {sizeLabel(s().total)} <progress max={Math.max(1, s().total)} value={s().held} />
        </label>
      )}
    </Match>
    <Match when={props.state.kind === 'failed' && (props.state as Extract<FileBytes, { kind: 'failed' }>)}>
      {(s) => (
        <p class="file-failed" role="alert">
          {props.file.name} could not be fetched: {s().message}{' '}
          <button type="button" onClick={() => props.onLoad()}>
            Try again
          </button>
        </p>
      )}
    </Match>
  </Switch>
)
