/** How a message's file is shown: an image inline, audio in a player, anything else as a download; small images and audio load by themselves. */
import type { FileView } from '@causette/core'
import { durationLabel } from './file-size.ts'

/** Images and audio below this load as soon as they are shown; larger ones, and other files, when asked. */
export const AUTO_LOAD_BYTES = 10 * 1000 * 1000

export type FileKind = 'image' | 'audio' | 'other'

/** SVG can hold scripts: it is offered as a download, never drawn or opened in the app's origin. */
export function fileKind(file: FileView): FileKind {
  if (file.type.startsWith('image/') && !file.type.startsWith('image/svg')) return 'image'
  if (file.type.startsWith('audio/')) return 'audio'
  return 'other'
}

/**
 * The type its object URL is made with. The sender chose the type, and an
 * object URL opened in a tab is a page of the app's own origin: anything
 * not drawn as an image or played is plain bytes, which a browser saves
 * rather than opens.
 */
export function urlType(file: FileView): string {
  return fileKind(file) === 'other' ? 'application/octet-stream' : file.type
}

export function loadsByItself(file: FileView): boolean {
  return fileKind(file) !== 'other' && file.size < AUTO_LOAD_BYTES
}

/** A message's files in a line, where its text would be (the group list's last message): "Photo: sunset.png", "Voice note (0:04)", "3 files". */
export function filesSummary(files: readonly FileView[]): string {
  const [only] = files
  if (only === undefined) return ''
  if (files.length > 1) return `${files.length} files`
  const kind = fileKind(only)
  if (kind === 'image') return `Photo: ${only.name}`
  if (kind === 'audio' && only.duration !== undefined) return `Voice note (${durationLabel(only.duration)})`
  return `File: ${only.name}`
}
