/** A message's files as readers get them: the FileRef of the operation with its bytes as text (hex, base64), fit for JSON. */
import { fromHex, toHex } from '../codec/hex.ts'
import type { FileRef } from './operations.ts'

export interface FileView {
  name: string
  type: string
  size: number
  /** Hex id of the file's manifest blob. */
  root: string
  /** Hex of the key its blobs are sealed under. */
  key: string
  /** The placeholder, base64. */
  thumb?: string
  width?: number
  height?: number
  duration?: number
}

export function fileView(f: FileRef): FileView {
  const view: FileView = { name: f.name, type: f.type, size: f.size, root: toHex(f.root), key: toHex(f.key) }
  if (f.thumb !== undefined) view.thumb = base64(f.thumb)
  if (f.width !== undefined) view.width = f.width
  if (f.height !== undefined) view.height = f.height
  if (f.duration !== undefined) view.duration = f.duration
  return view
}

/** The FileRef a view was made of (fileView's inverse): how a store keeps files as text. */
export function fileRefOf(v: FileView): FileRef {
  const ref: FileRef = { name: v.name, type: v.type, size: v.size, root: fromHex(v.root), key: fromHex(v.key) }
  if (v.thumb !== undefined) ref.thumb = unbase64(v.thumb)
  if (v.width !== undefined) ref.width = v.width
  if (v.height !== undefined) ref.height = v.height
  if (v.duration !== undefined) ref.duration = v.duration
  return ref
}

/** What fetches and opens the file a view names. */
export function fileKeysOf(f: FileView): { root: Uint8Array; key: Uint8Array; size: number } {
  return { root: fromHex(f.root), key: fromHex(f.key), size: f.size }
}

function unbase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0))
}

function base64(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s)
}
