/**
 * The files of one chat on screen. Each file is fetched when asked (or as
 * soon as it is shown, for small images and audio): core's files.read
 * gathers its bytes from this device's store or from the group's connected
 * members, with its progress; once whole they are an object URL. A message
 * is drawn again each time it scrolls back into view, so a file's fetch and URL are
 * kept here, shared by every drawing of it, and let go (the fetch stopped,
 * the URL revoked) a while after the last one leaves the screen, or when
 * the chat closes. A file that could not be fetched is tried again a few
 * times, and again when a member of the group comes online. A file the
 * person asked to download is saved once whole, whichever drawing of its
 * message is on screen then: the wish is kept here with the fetch, not in
 * the drawing that took the click, and goes with the fetch (the chat
 * closed, or the message off screen for KEEP_MS).
 */
import { type CausettePeer, type FileView, fileKeysOf } from '@causette/core'
import { type Accessor, createSignal, onCleanup, type Setter } from 'solid-js'
import { personMessage } from '../app/person-message.ts'
import { saveUrl } from '../app/save-download.ts'
import { urlType } from './file-kinds.ts'

export type FileBytes =
  | { kind: 'waiting' }
  | { kind: 'fetching'; held: number; total: number }
  | { kind: 'ready'; url: string }
  | { kind: 'failed'; message: string }

/** How long a file no longer on screen keeps its URL, so that scrolling back or a redraw does not read it again. */
const KEEP_MS = 60_000
/**
 * After a failed fetch, when to try again: a member who just came online
 * may still be moving from a relayed connection to WebRTC, which drops
 * the streams under way on the first.
 */
const RETRY_MS = [1_000, 3_000, 6_000, 12_000, 30_000]

interface Held {
  file: FileView
  state: Accessor<FileBytes>
  set: Setter<FileBytes>
  controller: AbortController
  users: number
  wanted: boolean
  /** The person asked to download it: saved under its name once whole. */
  save: boolean
  /** A fetch is under way. */
  busy: boolean
  /** Tries since the last member came online (indexes RETRY_MS). */
  tries: number
  retry?: ReturnType<typeof setTimeout>
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
    for (const h of this.held.values()) {
      if (!h.wanted || h.state().kind !== 'failed') continue
      h.tries = 0
      this.tryAgain(h)
    }
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
      h = { file, state, set, controller: new AbortController(), users: 0, wanted: false, save: false, busy: false, tries: 0 }
      this.held.set(file.root, h)
    }
    const held = h
    held.users++
    clearTimeout(held.letGo)
    onCleanup(() => {
      held.users--
      if (held.users === 0) held.letGo = setTimeout(() => this.letGo(held), KEEP_MS)
    })
    // once: a file that failed is tried again by Try again or when a member comes online, not by every redraw
    if (auto && held.state().kind === 'waiting') void this.fetch(held)
    return [held.state, () => void this.fetch(held)]
  }

  /** Download, as a person pressed it: the file is saved under its name once whole, now if it is already. */
  download(file: FileView): void {
    const h = this.held.get(file.root)
    if (h === undefined) return
    if (h.url !== undefined) {
      saveUrl(h.url, h.file.name)
      return
    }
    h.save = true
    void this.fetch(h)
  }

  /** Stops every fetch and revokes every URL: the chat closed. */
  close(): void {
    this.peer.removeEventListener('group:peer-joined', this.retry)
    for (const h of this.held.values()) this.letGo(h)
  }

  /** `quietly`: a try of its own, after a failure, keeps saying why until bytes come rather than showing an empty progress bar. */
  private async fetch(h: Held, quietly = false): Promise<void> {
    if (h.busy || h.state().kind === 'ready' || h.controller.signal.aborted) return
    h.busy = true
    h.wanted = true
    if (!quietly) h.set({ kind: 'fetching', held: 0, total: h.file.size })
    try {
      const parts: Uint8Array<ArrayBuffer>[] = []
      const reading = this.peer.files.read(this.groupId, fileKeysOf(h.file), {
        signal: h.controller.signal,
        onProgress: (held, total) => h.set({ kind: 'fetching', held, total })
      })
      for await (const piece of reading) parts.push(piece as Uint8Array<ArrayBuffer>)
      if (h.controller.signal.aborted) return
      h.url = URL.createObjectURL(new Blob(parts, { type: urlType(h.file) }))
      h.set({ kind: 'ready', url: h.url })
      if (h.save) {
        h.save = false
        saveUrl(h.url, h.file.name)
      }
    } catch (err) {
      if (h.controller.signal.aborted) return
      h.set({ kind: 'failed', message: failureOf(err) })
      if (h.tries < RETRY_MS.length) this.tryAgain(h)
    } finally {
      h.busy = false
    }
  }

  private tryAgain(h: Held): void {
    clearTimeout(h.retry)
    h.retry = setTimeout(() => void this.fetch(h, true), RETRY_MS[h.tries++])
  }

  private letGo(h: Held): void {
    clearTimeout(h.letGo)
    clearTimeout(h.retry)
    h.controller.abort()
    if (h.url !== undefined) URL.revokeObjectURL(h.url)
    this.held.delete(h.file.root)
  }
}

/** Why a file did not come, for a person: no one holding it is the common case, and mends itself. */
function failureOf(err: unknown): string {
  if (err instanceof Error && err.name === 'FileUnavailableError') {
    return 'no one who has it is reachable now. It will load by itself when its sender, or a member who has it, is online.'
  }
  return personMessage(err)
}
