/**
 * The files of one chat on screen. Each file is fetched when asked (or as
 * soon as it is shown, for small images and audio): core's files.read
 * gathers its bytes from this device's store or from the group's connected
 * members, with its progress; once whole they are an object URL. A message
 * is drawn again whenever the view changes, so a file's fetch and URL are
 * kept here, shared by every drawing of it, and let go (the fetch stopped,
 * the URL revoked) a while after the last one leaves the screen, or when
 * the chat closes. A file no one reachable held is tried again when a
 * member of the group comes online.
 */
import { type CausettePeer, type FileView, fileKeysOf } from '@causette/core'
import { type Accessor, createSignal, onCleanup, type Setter } from 'solid-js'
import { personMessage } from '../app/person-message.ts'

export type FileBytes =
  | { kind: 'waiting' }
  | { kind: 'fetching'; held: number; total: number }
  | { kind: 'ready'; url: string }
  | { kind: 'failed'; message: string }

/** How long a file no longer on screen keeps its URL, so that scrolling back or a redraw does not read it again. */
const KEEP_MS = 60_000

interface Held {
  file: FileView
  state: Accessor<FileBytes>
  set: Setter<FileBytes>
  controller: AbortController
  users: number
  wanted: boolean
  url?: string
  letGo?: ReturnType<typeof setTimeout>
}

export class ChatFiles {
  private readonly peer: CausettePeer
  private readonly groupId: string
  private readonly held = new Map<string, Held>()
  private readonly retry = (evt: Event): void => {
    const about = ((evt as CustomEvent).detail as { groupId?: string } | undefined)?.groupId
    if (about !== undefined && about !== this.groupId) return
    for (const h of this.held.values()) if (h.wanted && h.state().kind === 'failed') void this.fetch(h)
  }

  constructor(peer: CausettePeer, groupId: string) {
    this.peer = peer
    this.groupId = groupId
    peer.addEventListener('group:peer-joined', this.retry)
  }

  /** A file as a component shows it: its state, and how to ask for it; `auto` asks at once. Let go on the component's cleanup. */
  use(file: FileView, auto: boolean): [Accessor<FileBytes>, () => void] {
    let h = this.held.get(file.root)
    if (h === undefined) {
      const [state, set] = createSignal<FileBytes>({ kind: 'waiting' })
      h = { file, state, set, controller: new AbortController(), users: 0, wanted: false }
      this.held.set(file.root, h)
    }
    const held = h
    held.users++
    clearTimeout(held.letGo)
    onCleanup(() => {
      held.users--
      if (held.users === 0) held.letGo = setTimeout(() => this.letGo(held), KEEP_MS)
    })
    if (auto) void this.fetch(held)
    return [held.state, () => void this.fetch(held)]
  }

  /** Stops every fetch and revokes every URL: the chat closed. */
  close(): void {
    this.peer.removeEventListener('group:peer-joined', this.retry)
    for (const h of this.held.values()) this.letGo(h)
  }

  private async fetch(h: Held): Promise<void> {
    const now = h.state().kind
    if (now === 'fetching' || now === 'ready' || h.controller.signal.aborted) return
    h.wanted = true
    h.set({ kind: 'fetching', held: 0, total: h.file.size })
    try {
      const parts: Uint8Array<ArrayBuffer>[] = []
      const reading = this.peer.files.read(this.groupId, fileKeysOf(h.file), {
        signal: h.controller.signal,
        onProgress: (held, total) => h.set({ kind: 'fetching', held, total })
      })
      for await (const piece of reading) parts.push(piece as Uint8Array<ArrayBuffer>)
      if (h.controller.signal.aborted) return
      h.url = URL.createObjectURL(new Blob(parts, { type: h.file.type }))
      h.set({ kind: 'ready', url: h.url })
    } catch (err) {
      if (!h.controller.signal.aborted) h.set({ kind: 'failed', message: personMessage(err) })
    }
  }

  private letGo(h: Held): void {
    clearTimeout(h.letGo)
    h.controller.abort()
    if (h.url !== undefined) URL.revokeObjectURL(h.url)
    this.held.delete(h.file.root)
  }
}
