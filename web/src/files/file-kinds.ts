/** How a message's file is shown: an image inline, audio in a player, anything else as a download; small images and audio load by themselves. */
import type { FileView } from '@causette/core'

/** Images and audio below this load as soon as they are shown; larger ones, and other files, when asked. */
export const AUTO_LOAD_BYTES = 10 * 1000 * 1000

export type FileKind = 'image' | 'audio' | 'other'

export function fileKind(file: FileView): FileKind {
  if (file.type.startsWith('image/')) return 'image'
  if (file.type.startsWith('audio/')) return 'audio'
  return 'other'
}

export function loadsByItself(file: FileView): boolean {
  return fileKind(file) !== 'other' && file.size < AUTO_LOAD_BYTES
}
