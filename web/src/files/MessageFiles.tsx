/** A message's files under its text, each as its kind is shown (file-kinds.ts). Loaded with the first message that has files. */
import type { FileView } from '@causette/core'
import { type Component, Index, Match, Switch } from 'solid-js'
import { AudioFile } from './AudioFile.tsx'
import type { ChatFiles } from './chat-files.ts'
import { DownloadFile } from './DownloadFile.tsx'
import { fileKind } from './file-kinds.ts'
import { ImageFile } from './ImageFile.tsx'

const MessageFiles: Component<{ files: FileView[]; chatFiles: ChatFiles }> = (props) => (
  <ul class="files" aria-label="Files">
    {/* by place, not by object: a redraw of the message hands over new objects for the same files */}
    <Index each={props.files}>
      {(file) => (
        <li>
          <Switch fallback={<DownloadFile file={file()} files={props.chatFiles} />}>
            <Match when={fileKind(file()) === 'image'}>
              <ImageFile file={file()} files={props.chatFiles} />
            </Match>
            <Match when={fileKind(file()) === 'audio'}>
              <AudioFile file={file()} files={props.chatFiles} />
            </Match>
          </Switch>
        </li>
      )}
    </Index>
  </ul>
)

export default MessageFiles
