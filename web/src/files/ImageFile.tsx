/**
 * An image of a message: its placeholder (decoded from the ThumbHash the
 * message carries) at the image's aspect ratio at once, the image itself
 * in its place once fetched.
 */
import type { FileView } from '@causette/core'
import { type Component, createMemo, Show } from 'solid-js'
import { thumbHashToApproximateAspectRatio, thumbHashToDataURL } from 'thumbhash'
import type { ChatFiles } from './chat-files.ts'
import { FileProgress } from './FileProgress.tsx'
import { loadsByItself } from './file-kinds.ts'
import { sizeLabel } from './file-size.ts'

/** The most an image takes on screen, either way (CSS px). */
const MAX_SIDE = 320

export const ImageFile: Component<{ file: FileView; files: ChatFiles }> = (props) => {
  const [state, load] = props.files.use(props.file, loadsByItself(props.file))
  const hash = props.file.thumb === undefined ? undefined : unbase64(props.file.thumb)
  const placeholder = hash === undefined ? undefined : thumbHashToDataURL(hash)
  const ratio =
    props.file.width !== undefined && props.file.height !== undefined && props.file.height > 0
      ? props.file.width / props.file.height
      : hash === undefined
        ? 4 / 3
        : thumbHashToApproximateAspectRatio(hash)
  const width = Math.round(Math.min(props.file.width ?? MAX_SIDE, MAX_SIDE, MAX_SIDE * ratio))
  const src = createMemo(() => {
    const s = state()
    return s.kind === 'ready' ? s.url : placeholder
  })
  return (
    <figure class="file-image">
      <div class="file-frame" style={{ width: `${width}px`, 'aspect-ratio': String(ratio) }}>
        <Show when={src()} fallback={<div class="file-blank" role="img" aria-label={`${props.file.name}, not loaded yet`} />}>
          {(url) => <img src={url()} alt={props.file.name} aria-busy={state().kind !== 'ready'} />}
        </Show>
      </div>
      <figcaption>
        {props.file.name} · {sizeLabel(props.file.size)}
      </figcaption>
      <Show when={state().kind !== 'ready'}>
        <FileProgress file={props.file} state={state()} onLoad={load} />
      </Show>
    </figure>
  )
}

function unbase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0))
}
