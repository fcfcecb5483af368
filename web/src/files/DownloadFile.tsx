/**
 * Any other file of a message: its name and size and a Download button;
 * once fetched it is saved under its name at once (chat-files.ts keeps
 * that wish, so a redraw of the message meanwhile does not lose it), and
 * a link stays to save it again.
 */
import type { FileView } from '@causette/core'
import { type Component, Show } from 'solid-js'
import type { ChatFiles } from './chat-files.ts'
import { FileProgress } from './FileProgress.tsx'
import { sizeLabel } from './file-size.ts'

export const DownloadFile: Component<{ file: FileView; files: ChatFiles }> = (props) => {
  const [state] = props.files.use(props.file, false)
  const url = (): string | undefined => {
    const s = state()
    return s.kind === 'ready' ? s.url : undefined
  }
  return (
    <div class="file-other">
      <p class="file-name">
        <span aria-hidden="true">📄</span> {props.file.name} · {sizeLabel(props.file.size)}
      </p>
      <Show when={url()} fallback={<FileProgress file={props.file} state={state()} onLoad={() => props.files.download(props.file)} />}>
        {(href) => (
          <a class="file-save" href={href()} download={props.file.name}>
            Save {props.file.name}
          </a>
        )}
      </Show>
    </div>
  )
}
