/** Audio of a message (a voice note, a song): a player once fetched, with its name and length. */
import type { FileView } from '@causette/core'
import { type Component, Show } from 'solid-js'
import type { ChatFiles } from './chat-files.ts'
import { FileProgress } from './FileProgress.tsx'
import { loadsByItself } from './file-kinds.ts'
import { durationLabel, sizeLabel } from './file-size.ts'

export const AudioFile: Component<{ file: FileView; files: ChatFiles }> = (props) => {
  const [state, load] = props.files.use(props.file, loadsByItself(props.file))
  const label = (): string => (props.file.duration === undefined ? props.file.name : `${props.file.name}, ${durationLabel(props.file.duration)}`)
  const url = (): string | undefined => {
    const s = state()
    return s.kind === 'ready' ? s.url : undefined
  }
  return (
    <div class="file-audio">
      <p class="file-name">
        <span aria-hidden="true">🎵</span> {label()} · {sizeLabel(props.file.size)}
      </p>
      <Show when={url()} fallback={<FileProgress file={props.file} state={state()} onLoad={load} />}>
        {(src) => (
          // biome-ignore lint/a11y/useMediaCaption: a voice note has no captions to offer
          <audio controls preload="metadata" src={src()} aria-label={label()} />
        )}
      </Show>
    </div>
  )
}
