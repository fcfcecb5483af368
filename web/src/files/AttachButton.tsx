/** The composer's button that picks files to send (any kind, several at once). */
import type { Component } from 'solid-js'

export const AttachButton: Component<{ onFiles: (files: File[]) => void }> = (props) => {
  let input: HTMLInputElement | undefined
  return (
    <>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        aria-hidden="true"
        tabIndex={-1}
        onChange={(e) => {
          const files = [...(e.currentTarget.files ?? [])]
          e.currentTarget.value = ''
          if (files.length > 0) props.onFiles(files)
        }}
      />
      <button type="button" onClick={() => input?.click()}>
        <span aria-hidden="true">📎</span>
        <span class="visually-hidden">Attach a file</span>
      </button>
    </>
  )
}
