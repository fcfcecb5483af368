/** Files dropped onto the chat: whether files are being dragged over it now, and the handlers that take them. */
import { type Accessor, createSignal } from 'solid-js'

export interface DropZone {
  dragging: Accessor<boolean>
  onDragOver: (e: DragEvent) => void
  onDragLeave: (e: DragEvent) => void
  onDrop: (e: DragEvent) => void
}

export function createDropZone(onFiles: (files: File[]) => void): DropZone {
  const [dragging, setDragging] = createSignal(false)
  const carriesFiles = (e: DragEvent): boolean => e.dataTransfer?.types.includes('Files') === true
  return {
    dragging,
    onDragOver: (e) => {
      if (!carriesFiles(e)) return
      e.preventDefault()
      if (e.dataTransfer !== null) e.dataTransfer.dropEffect = 'copy'
      setDragging(true)
    },
    onDragLeave: (e) => {
      // leaving for a child of the zone is no leaving
      if (e.relatedTarget instanceof Node && (e.currentTarget as Node).contains(e.relatedTarget)) return
      setDragging(false)
    },
    onDrop: (e) => {
      if (!carriesFiles(e)) return
      e.preventDefault()
      setDragging(false)
      const files = [...(e.dataTransfer?.files ?? [])]
      if (files.length > 0) onFiles(files)
    }
  }
}
