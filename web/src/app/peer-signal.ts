/**
 * A value read from the peer, kept current: read again (at most once per
 * animation frame) whenever one of the peer's events says something changed,
 * and on a timer for what changes without an event (connections, time).
 */
import type { CausettePeer, CausettePeerEvents } from '@causette/core'
import { type Accessor, createSignal, onCleanup } from 'solid-js'

export interface PeerSignalOptions {
  events: ReadonlyArray<keyof CausettePeerEvents>
  /** Read again every this many ms as well. */
  everyMs?: number
  /** Only this group's events count (each of the peer's events names its group): a view of one group ignores the others'. */
  groupId?: string
}

export function createPeerSignal<T>(
  peer: CausettePeer,
  read: () => Promise<T> | T,
  initial: T,
  options: PeerSignalOptions
): [Accessor<T>, () => void] {
  const [value, setValue] = createSignal<T>(initial, { equals: false })
  let scheduled = false
  let reading: Promise<void> = Promise.resolve()
  let disposed = false
  const refresh = (): void => {
    if (scheduled || disposed) return
    scheduled = true
    requestAnimationFrame(() => {
      scheduled = false
      reading = reading.then(async () => {
        if (disposed) return
        try {
          const next = await read()
          setValue(() => next)
        } catch (err) {
          console.warn('causette: could not read the peer', err)
        }
      })
    })
  }
  const onEvent = (evt: Event): void => {
    const about = ((evt as CustomEvent).detail as { groupId?: string } | undefined)?.groupId
    if (options.groupId === undefined || about === undefined || about === options.groupId) refresh()
  }
  for (const type of options.events) peer.addEventListener(type, onEvent)
  const timer = options.everyMs === undefined ? undefined : setInterval(refresh, options.everyMs)
  onCleanup(() => {
    disposed = true
    for (const type of options.events) peer.removeEventListener(type, onEvent)
    if (timer !== undefined) clearInterval(timer)
  })
  refresh()
  return [value, refresh]
}
